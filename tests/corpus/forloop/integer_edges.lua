-- Integer loops near the limits do not overflow.
local n = 0
for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end
print(n)
n = 0
for i = math.mininteger + 2, math.mininteger, -1 do n = n + 1 end
print(n)
n = 0
for i = math.mininteger, math.mininteger + 10, 5 do n = n + 1 end
print(n)
for i = math.maxinteger - 1, math.maxinteger, 10 do io.write(i, " ") end print()
for i = 1, 0 do print("never") end
for i = 0, -5, -2 do io.write(i, " ") end print()
for i = 1, 3 do local j = i * 2; i = j; io.write(i, " ") end print()
n = 0
for i = math.maxinteger, math.maxinteger - 1 do n = n + 1 end
print(n)
