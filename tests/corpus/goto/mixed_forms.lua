-- goto: forward, backward, continue-style, nested loops
local i = 1
::top::
if i <= 3 then io_write = nil; print("i", i); i = i + 1; goto top end
for x = 1, 3 do
  for y = 1, 3 do
    if y == 2 then goto continue end
    if x == 3 then goto done end
    print(x, y)
    ::continue::
  end
end
::done::
local fs = {}
do
  local n = 0
  ::again::
  local m = n
  fs[#fs + 1] = function() return m end
  n = n + 1
  if n < 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())
local k = 0
repeat
  k = k + 1
  if k % 2 == 0 then goto cont end
  print("odd", k)
  ::cont::
until k >= 5
while true do
  k = k - 1
  if k < 2 then break end
end
print(k)
