-- corpus: skip-stress (allocation loop)
-- cycles are collected: memory stays bounded while garbage is made
collectgarbage()
local before = collectgarbage("count")
for i = 1, 200000 do
  local a, b = {}, {}
  a.other = b; b.other = a
  a.self = a
  local f = function() return a, b end
  b.f = f
end
collectgarbage()
local after = collectgarbage("count")
print(after - before < 1000)
print(collectgarbage("isrunning"), type(collectgarbage("step")))
local weakish = {}
for i = 1, 1000 do weakish[i] = {i} end
weakish = nil
collectgarbage("collect")
print(collectgarbage("count") < before + 1000)
