local a = {}
local i = 1
a[i], i = "first", 2
print(a[1], a[2], i)
local t = {x = {}}
t, t.x = 5, 6
print(t)
