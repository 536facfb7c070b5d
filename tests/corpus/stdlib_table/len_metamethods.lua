-- table functions respect __index/__newindex/__len.
local log = {}
local t = setmetatable({}, {
  __len = function() return 2 end,
  __index = function(_, k) return "v" .. k end,
  __newindex = function(t, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(t, k, v) end,
})
table.insert(t, "new")
print(table.concat(log, " "), rawget(t, 3))
print(table.unpack(t))
