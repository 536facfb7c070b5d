-- Float keys with integer values become integer keys; NaN and nil are rejected.
local t = {}
t[1] = "int"; t[1.0] = "float one"
print(t[1], #t)
t[2^53] = "big"
print(t[2^53], t[math.tointeger(2^53)])
t[-0.0] = "zero"
print(t[0])
print(pcall(function() t[nil] = 1 end))
print(pcall(function() t[0/0] = 1 end))
print(t[nil], t[0/0])
local k1, k2 = {}, {}
t[k1] = "k1"
print(t[k1], t[k2])
t[true] = "yes"; t[false] = "no"
print(t[true], t[false])
t[print] = "fn"
print(t[print])
