local a, b, c = 1, 2
local d = a
local e <const> = 42
local f <const> = "str"
local g, h = e, f
print(a, b, c, d, e, f, g, h)
