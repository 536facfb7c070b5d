-- Float limits with integer loops are clipped correctly.
for i = 1, 3.5 do io.write(i, " ") end print()
for i = 3, 0.5, -1 do io.write(i, " ") end print()
local n = 0
for i = 1, math.huge do n = n + 1; if n == 5 then break end end
print(n)
n = 0
for i = 1, -math.huge do n = n + 1 end
print(n)
for i = 1, 2^53 + 10, 2^52 do io.write(math.type(i), " ") end print()
n = 0
for i = math.maxinteger - 1, 1e100 do n = n + 1 end
print(n)
