local a, b = 1, 2
local t = {a < b, a == b, not a, a and b, a or b}
print(t[1], t[2], t[3], t[4], t[5])
local f = function(x) return x > 0 and "pos" or x < 0 and "neg" or "zero" end
print(f(1), f(-1), f(0))
