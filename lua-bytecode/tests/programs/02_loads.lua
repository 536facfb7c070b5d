local a = nil
local b, c = true, false
local d = 100000
local e = 3.5
local f = 2.0
local g = -0.0
local h = 9007199254740993
local i = 1e300
local j = "hello\n\"world\""
print(a, b, c, d, e, f, g, h, i, j)
