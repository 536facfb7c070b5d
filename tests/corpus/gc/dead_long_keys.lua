-- Keys set to nil stay in their node as dead keys until a rehash; the
-- collector may free them meanwhile. Lookups and stores with an equal
-- (but different) long string must not look inside the freed one.
local t = {}
for i = 1, 20 do
  local k = string.rep("x", 60) .. i
  t[k] = i
  t[k] = nil
end
collectgarbage()
collectgarbage()
local hits = 0
for i = 1, 20 do
  local k = string.rep("x", 60) .. i
  if t[k] ~= nil then hits = hits + 1 end
  t[k] = i * 2
end
print(hits)
local sum, n = 0, 0
for k, v in pairs(t) do
  n = n + 1
  sum = sum + v
  assert(#k >= 61)
end
print(n, sum)
-- Traversal that clears entries (dead keys under `next`), then reuse.
for k in pairs(t) do t[k] = nil end
collectgarbage()
print(next(t))
for i = 1, 5 do t[string.rep("y", 50) .. i] = i end
local c = 0
for _ in pairs(t) do c = c + 1 end
print(c)
