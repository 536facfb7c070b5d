for i = 1.0, 2.0, 0.25 do io.write(i, " ") end print()
for i = 0.1, 0.35, 0.1 do io.write(i, " ") end print()
for i = 10, 1, -2.5 do io.write(i, " ") end print()
for i = -1, -2, -0.5 do io.write(i, " ") end print()
local n = 0
for i = 0, 1, 1/3 do n = n + 1 end
print(n)
