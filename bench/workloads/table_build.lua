-- Appending to tables: t[#t+1] and t[i] patterns, then reading back.
local t = {}
for i = 1, 3000000 do t[#t + 1] = i end
local u = {}
for i = 1, 3000000 do u[i] = i * 2 end
local s = 0
for i = 1, #t do s = s + t[i] + u[i] end
print(#t, #u, s)
