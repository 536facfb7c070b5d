-- String-keyed hash inserts and lookups.
local keys = {}
for i = 1, 20000 do keys[i] = "key" .. i end
local t = {}
local hits = 0
for rep = 1, 400 do
  for i = 1, #keys do
    local k = keys[i]
    t[k] = (t[k] or 0) + i
  end
  for i = #keys, 1, -2 do
    if t[keys[i]] then hits = hits + 1 end
  end
end
local s = 0
for _, k in ipairs(keys) do s = s + t[k] end
print(hits, s)
