-- corpus: skip-stress (allocation loop)
-- Closures capturing tables that point back at the closures.
collectgarbage()
local base = collectgarbage("count")
for i = 1, 20000 do
  local obj = {}
  obj.method = function() return obj end
  local co = {obj = obj}
  obj.back = co
end
collectgarbage()
print(collectgarbage("count") - base < 500)
