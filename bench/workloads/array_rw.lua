-- Array reads and writes in nested loops.
local n = 1000
local a = {}
for i = 1, n do a[i] = i end
local s = 0
for rep = 1, 20000 do
  for i = 2, n - 1 do
    a[i] = (a[i - 1] + a[i + 1] + rep) % 65536
  end
  for i = 1, n do s = s + a[i] end
end
print(s)
