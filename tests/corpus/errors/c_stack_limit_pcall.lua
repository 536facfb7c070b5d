-- corpus: skip-stress (deep)
-- pcall, metamethods and other calls through C count toward the C-call
-- limit (about 200): nesting past it is a catchable error.
local function nest(n) if n == 0 then return "bottom" end return select(2, pcall(nest, n - 1)) end
print(nest(100))
local r = nest(300)
print(type(r), r:find("stack overflow", 1, true) ~= nil)
local depth = 0
local mt = {}
mt.__index = function(t, k) depth = depth + 1; return setmetatable({}, mt)[k] end
local ok, e = pcall(function() return setmetatable({}, mt).x end)
print(ok, e:find("stack overflow", 1, true) ~= nil, depth > 100, depth < 300)
