local a, b = 1, 2
local x = not (a < b)
local y = not (a == b and b == 2)
local z = not not a
print(x, y, z)
