local t = {10, 20, 30}
local function iter(t, i)
  i = i + 1
  if t[i] then return i, t[i] end
end
for i, v in iter, t, 0 do print(i, v) end
for k in next, {a = 1} do print(k) end
