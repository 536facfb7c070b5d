-- Recursive permutation with array swaps: visit every permutation of
-- 1..10 by swapping in place, checking a property of each one.
local a = {}
local n = 10
for i = 1, n do a[i] = i end
local count, fixed = 0, 0

local function permute(k)
  if k == 1 then
    count = count + 1
    if a[1] < a[n] then fixed = fixed + 1 end
    return
  end
  for i = 1, k do
    permute(k - 1)
    local j = (k % 2 == 0) and i or 1
    a[j], a[k] = a[k], a[j]
  end
end

permute(n)
print(count, fixed, table.concat(a, ","))
