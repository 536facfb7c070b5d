-- Integer arithmetic wraps around modulo 2^64.
local max, min = math.maxinteger, math.mininteger
print(max + 1 == min, max + 1)
print(min - 1 == max, min - 1)
print(max * 2, min * -1, -min)
print(max * max, min * min)
print(math.type(max + 1))
local x = 1
for i = 1, 70 do x = x * 2 end
print(x)
print(0x7fffffffffffffff + 0x7fffffffffffffff)
