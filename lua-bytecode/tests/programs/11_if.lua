local function sign(n)
  if n < 0 then return -1 elseif n == 0 then return 0 else return 1 end
end
print(sign(-5), sign(0), sign(9))
local x = 10
if x then x = x + 1 end
if not x then x = 0 else x = x * 2 end
print(x)
