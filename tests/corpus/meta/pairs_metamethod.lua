-- __pairs controls what pairs iterates.
local t = setmetatable({}, {__pairs = function(self)
  local i = 0
  return function(_, k)
    i = i + 1
    if i <= 3 then return i, i * i end
  end, self, nil
end})
for k, v in pairs(t) do print(k, v) end
local plain = {10, 20, 30}
for k, v in pairs(plain) do io.write(k, "=", v, " ") end print()
