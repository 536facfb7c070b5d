-- __newindex functions see every assignment to an absent key.
local log = {}
local t = setmetatable({present = 1}, {__newindex = function(t, k, v)
  log[#log + 1] = tostring(k) .. "=" .. tostring(v)
  rawset(t, k, v * 10)
end})
t.present = 2
t.x = 3
t.x = 4
t[1] = 5
print(t.present, t.x, t[1])
print(table.concat(log, " "))
