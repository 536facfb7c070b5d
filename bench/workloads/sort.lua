-- table.sort with the default order and with a comparator.
local seed = 42
local function rand()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed
end
local a, b = {}, {}
for i = 1, 300000 do local r = rand(); a[i] = r; b[i] = r end
table.sort(a)
table.sort(b, function(x, y) return x > y end)
local ok = true
for i = 2, #a do if a[i - 1] > a[i] then ok = false end end
for i = 2, #b do if b[i - 1] < b[i] then ok = false end end
print(ok, a[1], a[#a], b[1], b[#b])
