-- Where an integer is needed, floats with exact integer values are accepted.
local t = {10, 20, 30}
print(t[1.0], t[2.0], t[3.0])
print(("abcdef"):sub(2.0, 4.0))
print(pcall(string.sub, "abc", 1.5))
print(pcall(string.rep, "x", 2^63))
print(string.rep("ab", 3.0))
for i = 1.0, 3 do io.write(i, " ") end print()
for i = 1, 3.0 do io.write(i, " ") end print()
print(math.tointeger("8"), math.tointeger(8.0), math.tointeger(8.5))
