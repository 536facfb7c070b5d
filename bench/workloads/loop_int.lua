-- Integer arithmetic in a numeric for loop.
local acc = 0
for i = 1, 30000000 do
  acc = (acc + i * 7) % 1000003 ~ (i & 255)
end
print(acc)
