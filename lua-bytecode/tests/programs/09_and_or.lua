local a, b, c = nil, false, 7
print(a or b, a or c, c and a, c and b or 3, a and b or c)
print(nil and 1, 1 and 2, false or nil, 1 or error("x"))
local d = (a or c) + 1
print(d, (b and 1) == false)
