-- With a fixed seed, math.random is xoshiro256** exactly as in lua5.4.
math.randomseed(42)
local out = {}
for i = 1, 5 do out[#out + 1] = math.random(1, 100) end
print(table.concat(out, " "))
math.randomseed(42)
print(math.random(1, 100) == tonumber(out[1]))
math.randomseed(7, 3)
print(math.random(10), math.random(5, 6), math.random(0) ~= nil)
local f = math.random()
print(f >= 0 and f < 1, math.type(f))
print(pcall(math.random, 2, 1))
print(pcall(math.random, 1, 2, 3))
print(math.random(3, 3), math.random(math.mininteger, math.mininteger))
