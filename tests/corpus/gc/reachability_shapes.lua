-- Small object graphs whose only references are unusual places; meant to run
-- under GC stress (a collection at every safepoint) and keep every value.
local function make_closure_chain(n)
  local f = function() return 0 end
  for i = 1, n do
    local prev, k = f, i
    f = function() return prev() + k end
  end
  return f
end
local chain = make_closure_chain(50)
collectgarbage()
print(chain())
-- values only reachable through a metatable's __index table
local obj = setmetatable({}, {__index = {deep = {deeper = {"kept"}}}})
collectgarbage()
print(obj.deep.deeper[1])
-- keys that are tables, values that are closures over those keys
local map = {}
for i = 1, 30 do local key = {i}; map[key] = function() return key[1] end end
collectgarbage()
local s = 0
for k, f in pairs(map) do s = s + f() + k[1] end
print(s)
-- strings built at run time used as keys after a collection
local t = {}
for i = 1, 100 do t["k" .. i] = i end
collectgarbage()
local sum = 0
for i = 1, 100 do sum = sum + t["k" .. i] end
print(sum)
-- an upvalue closed while other closures still share it
local getters = {}
do
  local shared = {count = 0}
  for i = 1, 10 do getters[i] = function() shared.count = shared.count + 1; return shared.count end end
end
collectgarbage()
for i = 1, 10 do getters[i]() end
print(getters[1]())
-- varargs and multiple results surviving collections inside the call
local function pass(...) collectgarbage() return ... end
print(select("#", pass(1, nil, {}, "x", nil)), (select(4, pass(1, nil, {}, "x", nil))))
-- error values and tracebacks survive collection during unwinding
local ok, e = pcall(function()
  local big = {}
  for i = 1, 100 do big[i] = {i} end
  error(setmetatable({payload = big}, {__tostring = function() return "err" end}))
end)
collectgarbage()
print(ok, #e.payload, e.payload[100][1], tostring(e))
