local s = "a" .. "b" .. "c" .. "d" .. "e" .. 1 .. 2
local n = 1 + 2 + 3 + 4 + 5
local m = ((1 + 2) * (3 + 4)) // 2
print(s, n, m)
