-- A recursive global function: Takeuchi's function, each call looking
-- itself up in the global table.
function tak(x, y, z)
  if y >= x then return z end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end
local s = 0
for i = 1, 6 do s = s + tak(22 + i % 2, 14, 6) end
print(s)
