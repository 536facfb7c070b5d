local function closer(name)
  return setmetatable({}, {__close = function() print("closed", name) end})
end
for i = 1, 3 do
  local c <close> = closer(i)
  if i == 2 then break end
  print("iter", i)
end
local function gen()
  local c <close> = closer("gen")
  return function() return nil end
end
for _ in gen() do end
print("end")
