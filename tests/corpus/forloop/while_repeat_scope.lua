-- repeat's condition sees locals of the body.
local i = 0
repeat local j = i; i = i + 1 until j >= 3
print(i)
local n = 0
while n < 5 do n = n + 1 if n == 3 then break end end
print(n)
local out = {}
for a = 1, 3 do for b = a, 3 do out[#out + 1] = a .. b end end
print(table.concat(out, " "))
