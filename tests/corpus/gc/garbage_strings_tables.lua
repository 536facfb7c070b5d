-- corpus: skip-stress (allocation loop)
-- Lots of short-lived strings and tables; results are right and memory returns.
collectgarbage()
local base = collectgarbage("count")
local keep = {}
for i = 1, 50000 do
  local s = "item" .. i
  local t = {s, i, {i}}
  if i % 10000 == 0 then keep[#keep + 1] = t end
end
collectgarbage()
print(#keep, keep[5][1], keep[5][3][1])
print(collectgarbage("count") - base < 2000)
