-- debug.sethook: line, call, return and count events; gethook; hooks are
-- per coroutine; a hook runs with hooks off and is named "hook".
local ev = {}
local function rec(e, l) ev[#ev + 1] = l and (e .. ":" .. l) or e end
local function add(a, b)
  local c = a + b
  return c
end
debug.sethook(rec, "crl")
local x = add(1, 2)
for i = 1, 2 do
  x = x + i
end
if x > 3 then
  x = 0
else
  x = 1
end
while x < 2 do x = x + 1 end
repeat x = x - 1 until x == 0
local s = tostring(x)
debug.sethook()
print(table.concat(ev, " "))

print(debug.gethook())
local function h() end
debug.sethook(h, "cr", 5)
print(select(2, debug.gethook()), select(3, debug.gethook()), debug.gethook() == h)
debug.sethook()

-- count hooks
local n = 0
debug.sethook(function(e) n = n + 1 end, "", 1)
for i = 1, 100 do end
debug.sethook()
print(n > 100 and n < 110)

-- inside a hook: names, levels, getlocal of the hooked function
local out = {}
debug.sethook(function(e, l)
  local me = debug.getinfo(1, "n")
  local hooked = debug.getinfo(2, "nSl")
  out[#out + 1] = me.namewhat .. "/" .. tostring(me.name) .. " " .. hooked.short_src .. ":" .. hooked.currentline
end, "l")
local y = 1
debug.sethook()
print(table.concat(out, " | "))

-- transfer information of call and return events
local tr = {}
local function two(p, q) return p * 2, q * 2 end
debug.sethook(function(e)
  local i = debug.getinfo(2, "nr")
  if i.name == "two" then
    local vals = {}
    for k = i.ftransfer, i.ftransfer + i.ntransfer - 1 do
      vals[#vals + 1] = select(2, debug.getlocal(2, k))
    end
    tr[#tr + 1] = e .. "(" .. table.concat(vals, ",") .. ")"
  end
end, "cr")
two(3, 4)
debug.sethook()
print(table.concat(tr, " "))

-- per coroutine
local co = coroutine.create(function()
  local a = 1
  coroutine.yield()
  a = 2
end)
local cev = {}
debug.sethook(co, function(e, l) cev[#cev + 1] = e .. (l and (":" .. l) or "") end, "crl")
coroutine.resume(co)
coroutine.resume(co)
print(debug.gethook())
print(table.concat(cev, " "))

-- an error in a hook propagates
local ok, err = pcall(function()
  debug.sethook(function() debug.sethook() error("from hook") end, "l")
  local z = 1
end)
print(ok, err)
print(debug.gethook())
print(pcall(debug.sethook, 1, "l"))
