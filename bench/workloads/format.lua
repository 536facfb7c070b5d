-- string.format with integers, floats and strings.
local n = 0
for i = 1, 1000000 do
  local s = string.format("%d:%5.2f:%s:%x", i, i / 7, "item", i)
  n = n + #s
end
print(n)
