local s = 0
for i = 1, 10 do s = s + i end
for i = 10, 1, -2 do s = s + i end
for i = 1.0, 2.0, 0.5 do s = s + i end
for i = 1, 0 do s = s + 1000 end
print(s)
