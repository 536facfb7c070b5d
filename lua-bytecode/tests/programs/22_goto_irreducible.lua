local n = 0
local x = true
if x then goto l2 end
::l1::
n = n + 1
print("l1", n)
::l2::
n = n + 10
print("l2", n)
if n < 30 then goto l1 end
print(n)
