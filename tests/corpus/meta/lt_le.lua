-- __lt and __le; 5.4 has no __le fallback through __lt.
local mt = {}
mt.__lt = function(a, b) return a.v < b.v end
local function V(v) return setmetatable({v = v}, mt) end
local one, two = V(1), V(2)
print(one < two, two < one, one > two, two > one)
mt.__le = function(a, b) return a.v <= b.v end
print(one <= two, two <= one, one >= one)
-- Results are converted to booleans.
mt.__lt = function() return "yes" end
print(one < two, not (one < two))
mt.__lt = function() return nil end
print(one < two)
-- Mixed operands use the metamethod of whichever has one.
print(pcall(function() return one < 1 end))
