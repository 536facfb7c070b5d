-- Sorting many sizes and patterns; only the sorted result is printed (sort is not stable).
local function check(t, cmp)
  table.sort(t, cmp)
  for i = 2, #t do
    if (cmp and cmp(t[i], t[i - 1])) or (not cmp and t[i] < t[i - 1]) then return false end
  end
  return true
end
local results = {}
for _, n in ipairs({2, 3, 7, 16, 100, 513}) do
  local asc, desc, same, saw = {}, {}, {}, {}
  for i = 1, n do asc[i] = i; desc[i] = n - i; same[i] = 5; saw[i] = i % 4 end
  results[#results + 1] = tostring(check(asc)) .. tostring(check(desc)) .. tostring(check(same)) ..
    tostring(check(saw, function(a, b) return a > b end))
end
print(table.concat(results, " "))
local strs = {}
for i = 1, 50 do strs[i] = string.char(97 + (i * 7) % 26) .. i end
table.sort(strs)
print(strs[1], strs[2], strs[50])
