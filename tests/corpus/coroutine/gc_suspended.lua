-- A suspended coroutine holds the only references to its locals, its
-- pending arguments and its to-be-closed variables across collections.
local co = coroutine.wrap(function(...)
  local held = {"in coroutine"}
  local args = {...}
  local tbc <close> = setmetatable({}, {__close = function() print("closed at the end") end})
  coroutine.yield()
  collectgarbage()
  coroutine.yield(#args)
  return held[1], args[2][1]
end)
co(1, {"arg table"})
collectgarbage()
print(co())
collectgarbage()
print(co())
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield({i}) end end)
local got = {}
for i = 1, 3 do got[i] = gen(); collectgarbage() end
print(got[1][1], got[2][1], got[3][1])
