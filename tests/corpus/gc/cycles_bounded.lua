-- corpus: skip-stress (allocation loop)
-- Cyclic garbage is collected: memory stays bounded while building and dropping cycles.
collectgarbage()
local base = collectgarbage("count")
for round = 1, 20 do
  for i = 1, 2000 do
    local a, b = {}, {}
    a.other, b.other = b, a
    a.self = a
    local f = function() return a, b end
    b.f = f
  end
end
collectgarbage()
local after = collectgarbage("count")
print(after - base < 1000, math.type(after))
