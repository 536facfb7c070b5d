-- a __close written in Lua runs as a frame at a block's end and at a return (also `return ...`): a coroutine can yield inside it
local function closer(name)
  return setmetatable({}, {__close = function(_, err)
    local r = coroutine.yield("closing " .. name)
    print("closed", name, err, r)
  end})
end
local co = coroutine.wrap(function()
  do
    local a <close> = closer("a")
    local b <close> = closer("b")
    print("in block")
  end
  print("after block")
  local function f(...)
    local c <close> = closer("c")
    return ...
  end
  print("f returned", f(1, 2, 3))
  local function g()
    local d <close> = closer("d")
    local e <close> = closer("e")
    return "g1"
  end
  print("g returned", g())
  local function h()
    local x <close> = closer("x")
  end
  h()
  for i = 1, 2 do
    local y <close> = closer("y" .. i)
  end
  return "done"
end)
local r = co()
while r ~= "done" do print("yielded:", r); r = co(r .. "!") end
print(r)
-- a native __close and a non-yielding Lua one still work
do local z <close> = setmetatable({}, {__close = rawequal}) end print("native __close")
do local w <close> = setmetatable({}, {__close = function() print("w closed") end}) end
-- errors in __close during a normal exit
print(pcall(function() local q <close> = setmetatable({}, {__close = function() error("qq") end}) return 1 end))
