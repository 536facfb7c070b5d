-- corpus: skip-stress (10000-entry live table through long loops)
local function sieve(n)
  local is = {}
  for i = 2, n do is[i] = true end
  for i = 2, math.floor(math.sqrt(n)) do
    if is[i] then for j = i * i, n, i do is[j] = false end end
  end
  local ps = {}
  for i = 2, n do if is[i] then ps[#ps + 1] = i end end
  return ps
end
local ps = sieve(10000)
print(#ps, ps[1], ps[100], ps[#ps])
local function factor(n)
  local fs = {}
  local d = 2
  while d * d <= n do
    while n % d == 0 do fs[#fs + 1] = d; n = n // d end
    d = d + 1
  end
  if n > 1 then fs[#fs + 1] = n end
  return table.concat(fs, "*")
end
print(factor(360), factor(9973), factor(2^31 - 1 | 0), factor(600851475143))
