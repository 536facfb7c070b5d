local t = {}
t["a"] = 1
t.b = "two"
t[1] = "one"
t[256] = 256
t[70000] = 7
print(t.a, t["b"], t[1], t[256], t[70000])
