-- NaN's sign shows when printed on this platform (x86: 0/0 is -nan).
local nan = 0/0
print(nan, -nan, -(0/0), math.huge - math.huge)
print(string.format("%.3f", 0/0), tostring(0/0))
print(-0.0 % 1, 0.0 % -1, -0.0 // 1, 0.0 * -1)
