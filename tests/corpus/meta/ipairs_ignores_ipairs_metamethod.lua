-- 5.4 has no __ipairs; ipairs goes through __index instead.
local t = setmetatable({1, 2}, {__ipairs = function() error("not called") end})
for i, v in ipairs(t) do io.write(i, "=", v, " ") end print()
local proxy = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * 100 end end})
for i, v in ipairs(proxy) do io.write(i, "=", v, " ") end print()
