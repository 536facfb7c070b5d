-- corpus: skip-stress (fills the stack)
local t = setmetatable({}, {})
getmetatable(t).__index = function(self, k) return self[k .. "x"] end
local ok, e = pcall(function() return t.a end)
print(ok, type(e) == "string" and (e:find("stack overflow", 1, true) ~= nil or e:find("C stack overflow", 1, true) ~= nil))
