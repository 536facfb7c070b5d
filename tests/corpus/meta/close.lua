-- to-be-closed variables call __close in reverse order, with the error.
local function closer(name)
  return setmetatable({}, {__close = function(self, err) print("close", name, err) end})
end
do
  local a <close> = closer("a")
  local b <close> = closer("b")
  local c <close> = nil
  print("body")
end
print(pcall(function()
  local x <close> = closer("x")
  error("boom", 0)
end))
local function f()
  local y <close> = closer("y")
  return "ret"
end
print(f())
for i = 1, 2 do
  local z <close> = closer("z" .. i)
  if i == 1 then goto continue end
  print("second")
  ::continue::
end
