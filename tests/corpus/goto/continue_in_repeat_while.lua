local i, s = 0, 0
while i < 10 do
  i = i + 1
  if i % 3 == 0 then goto cont end
  s = s + i
  ::cont::
end
print(s)
local j = 0
repeat
  j = j + 1
  if j < 5 then goto cont2 end
  print("j reached", j)
  ::cont2::
until j >= 5
