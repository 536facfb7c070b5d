local a, b = {}, {}
print(a == b, a == a, a ~= b)
local t = {[a] = "A", [b] = "B"}
print(t[a], t[b])
local copy = a
copy.x = 1
print(a.x)
print(type(tostring(a)), tostring(a) == tostring(copy), tostring(a) ~= tostring(b))
