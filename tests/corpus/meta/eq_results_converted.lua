local mt = {__eq = function() return "truthy" end}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
print(a == b, a ~= b)
mt.__eq = function() return false end
print(a == b, a ~= b)
