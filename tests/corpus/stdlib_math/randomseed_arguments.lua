print(pcall(math.randomseed, 1.5))
math.randomseed(2.0)
local a = math.random(1000)
math.randomseed(2)
print(a == math.random(1000))
math.randomseed(-1)
local x = {}
for i = 1, 4 do x[i] = math.random(1, 10) end
print(table.concat(x, " "))
print(pcall(math.random, 0))
print(pcall(math.random, 1, 0))
print(math.type(math.random(5)), math.type(math.random()))
print(pcall(math.random, math.mininteger, -1) == true)
