-- a metamethod that is not callable: the error names the event, as lua5.4
local mt = {__add = 3, __unm = true, __len = "x", __lt = 1, __le = {}, __concat = 7, __eq = 5}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
print(pcall(function() return a + 1 end))
print(pcall(function() return -a end))
print(pcall(function() return #a end))
print(pcall(function() return a < b end))
print(pcall(function() return a <= b end))
print(pcall(function() return a .. "s" end))
print(pcall(function() return a == b end))
-- a __call that is not callable: the called variable is still named
print(pcall(function() local t = setmetatable({}, {__call = 1}); t() end))
print(pcall(function() local t = setmetatable({}, {__call = setmetatable({}, {__call = 2})}); t() end))
-- a table with __call as a metamethod is fine
local callable = setmetatable({}, {__call = function(_, x, y) return "called" end})
print(setmetatable({}, {__add = callable}) + 1)
