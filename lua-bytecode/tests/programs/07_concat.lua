local a, b = "x", 1
print(a .. b, a .. b .. "z" .. 2.5, (a .. b) .. (a .. b))
local t = {}
t.s = a .. a .. a
print(t.s)
