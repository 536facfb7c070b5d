-- Numeric for with float steps accumulates exactly as lua5.4 does.
for x = 0, 1, 0.25 do io.write(x, " ") end print()
for x = 1, 0, -0.5 do io.write(x, " ") end print()
local n = 0
for x = 0.1, 1.0, 0.1 do n = n + 1 end
print(n)
for x = 1, 2, 0.5 do io.write(math.type(x), " ") end print()
for x = 3, 1 do io.write("never") end print("empty")
