-- A cache built with __index and rawset; the metamethod is not called once cached.
local hits = 0
local cache = setmetatable({}, {__index = function(t, k)
  hits = hits + 1
  local v = k * 3
  rawset(t, k, v)
  return v
end})
local s = 0
for round = 1, 3 do for i = 1, 10 do s = s + cache[i] end end
print(s, hits)
