-- Equal strings are equal regardless of how they were built.
local a = "abc" .. "def"
local b = "abcdef"
local c = string.rep("abc", 1) .. ("def"):lower()
print(a == b, b == c, rawequal(a, c))
local t = {}
t[a] = 1
print(t[b], t[c], t["abc" .. "def"])
local long1 = string.rep("x", 100) .. "y"
local long2 = string.rep("x", 100) .. "y"
t[long1] = "long"
print(long1 == long2, t[long2])
