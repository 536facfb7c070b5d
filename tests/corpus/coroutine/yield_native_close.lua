-- A native __close handler (coroutine.yield itself) yields while a block
-- or a return closes its variables; the return then completes with its
-- values (lua5.4's fix of a 5.4.3 bug).
local function closer(f, tag) return setmetatable({tag = tag}, {__close = f}) end

local co = coroutine.wrap(function()
  local x <close> = closer(coroutine.yield, "x")
  local y <close> = closer(coroutine.yield, "y")
  return 1, 2, 3
end)
local a, b = co()
print(a.tag, b)
a, b = co()
print(a.tag, b)
print(co())

co = coroutine.wrap(function()
  do
    local z <close> = closer(coroutine.yield, "z")
  end
  local t = {}
  for i = 1, 3 do
    local w <close> = closer(coroutine.yield, "w" .. i)
    t[#t + 1] = i
  end
  return table.concat(t, ",")
end)
for _ = 1, 4 do print(co().tag) end
print(co())

-- many results survive the yields
co = coroutine.wrap(function()
  local e <close> = closer(coroutine.yield, "e")
  return table.unpack({}, 1, 50)
end)
print(co().tag)
print(select("#", co()))
