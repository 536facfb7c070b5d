-- __eq is only consulted for two tables (or two userdata), never for rawequal ones.
local calls = 0
local mt = {__eq = function(a, b) calls = calls + 1; return a.v == b.v end}
local a = setmetatable({v = 1}, mt)
local b = setmetatable({v = 1}, mt)
local c = setmetatable({v = 2}, {__eq = function() calls = calls + 1; return 1 end})
print(a == b, a ~= b, a == a, calls)
print(a == c, c == a, calls)
print(a == 1, a == "x", calls)
print(rawequal(a, b), rawequal(a, a))
local plain = {v = 1}
print(plain == a, a == plain, calls)
