-- corpus: skip-stress (20000 live keys; a full collection per safepoint is quadratic)
-- Growing and shrinking a table with mixed keys.
local t = {}
for i = 1, 10000 do t[i] = i * 2 end
for i = 1, 10000 do t["k" .. i] = i end
local s, c = 0, 0
for k, v in pairs(t) do c = c + 1; if type(k) == "number" then s = s + v end end
print(c, s, #t)
for i = 1, 10000 do t["k" .. i] = nil end
c = 0
for _ in pairs(t) do c = c + 1 end
print(c, #t)
