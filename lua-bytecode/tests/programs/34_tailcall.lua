local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + n)
end
print(loop(100000, 0))
local function id(...) return ... end
local function tc() return id(1, 2, 3) end
print(tc())
