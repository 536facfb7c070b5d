local a, b, c = 1, 2, 3
a, b, c = c, a, b
print(a, b, c)
local t = {}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
x, y = 1
print(x, y)
a, b = (function() return 5, 6, 7 end)()
print(a, b)
