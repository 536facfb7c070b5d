-- # on proper sequences, after appends and removals at the end.
local t = {}
for i = 1, 100 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
t[#t + 1] = "x"
print(#t, t[100])
print(#{}, #{nil}, #{1, 2, 3}, #{n = 1}, #"abc")
local u = {1, 2, 3}
u[#u + 1] = 4; u[#u + 1] = 5
print(#u)
for i = #u, 1, -1 do u[i] = nil end
print(#u, next(u))
