-- Loops with infinite steps, float starts and limits near the integer edges.
-- (io.write prints floats with %.14g: 1.0 is written as "1".)
for i = 1, 0/0 do print("never", i) end
for i = 1, 10, math.huge do io.write(i, " ") end print()
for i = 10, 1, -math.huge do io.write(i, " ") end print()
for i = 0.5, 2 do io.write(i, " ") end print()
for i = -0.0, 0 do io.write(i, " ") end print()
for i = 3, 1.5, -1 do io.write(i, " ") end print()
for i = math.mininteger, math.mininteger + 1 do io.write(i, " ") end print()
