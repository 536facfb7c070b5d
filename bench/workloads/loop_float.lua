-- Float arithmetic in a while loop.
local x, y, s = 0.5, 1.25, 0.0
local i = 0
while i < 20000000 do
  x = x * 1.0000001 + 0.25
  y = y / 1.0000002 - 0.125
  s = s + x * 0.5 - y
  i = i + 1
end
print(string.format("%.6e", s))
