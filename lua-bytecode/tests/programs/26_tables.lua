local t = {1, 2, 3, x = 1, ["y z"] = 2, [10] = 3, [1.5] = 4, [true] = 5}
print(t[1], t.x, t["y z"], t[10], t[1.5], t[true], #t)
t.a = {b = {c = 1}}
t.a.b.c = t.a.b.c + 1
print(t.a.b.c)
local k = "x"
t[k] = t[k] + 1
print(t.x, t[2], t[300])
t[300] = 1
t[-1] = 2
print(t[300], t[-1])
