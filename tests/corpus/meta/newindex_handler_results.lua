-- A __newindex handler's results are dropped, whatever it returns; one may
-- yield inside a coroutine.
local log = {}
local p = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. "=" .. tostring(v); return "ignored", 1 end})
for i = 1, 5 do p["k" .. i] = i * 2 end
p.x = nil
print(table.concat(log, " "), rawget(p, "k1"))
local q = setmetatable({}, {__newindex = p})
q.z = 9
print(log[#log], rawget(q, "z"))
local co = coroutine.wrap(function()
  local r = setmetatable({}, {__newindex = function(t, k, v) coroutine.yield(k); rawset(t, k, v) end})
  r.a = 1
  return r.a
end)
print(co(), co())
-- A native handler (rawset) and one called through __call.
local n = setmetatable({}, {__newindex = rawset})
for i = 1, 3 do n[i] = i * i end
n.k = "v"
print(n[1], n[3], n.k)
local viacall = setmetatable({}, {__newindex = setmetatable({}, {__call = function(_, t, k, v) rawset(t, k, v .. "!") end})})
print(pcall(function() viacall.a = "x" end))
print(rawget(viacall, "a"))
