local t = {10, 20, 30}
local k, v = next(t)
print(k, v)
k, v = next(t, k)
print(k, v)
print(next(t, 3))
print(rawequal(next({}), nil))
print(pcall(next))
print(pcall(next, {}, {}))
