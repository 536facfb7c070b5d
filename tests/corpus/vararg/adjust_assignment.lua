-- Multiple assignment: evaluation then assignment, extra values dropped, missing are nil.
local a, b, c = 1, 2
print(a, b, c)
local x, y = 1, 2, 3
print(x, y)
x, y = y, x
print(x, y)
local t = {}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local q = {1, 2, 3}
local j = 1
j, q[j] = j + 1, "changed"
print(j, q[1], q[2])
