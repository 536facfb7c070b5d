local x = 1
do local x = x + 1; print(x) end
print(x)
local x = x * 10
print(x)
for x = 1, 2 do print(x) end
print(x)
