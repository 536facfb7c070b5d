-- The first operand's metamethod wins; the second is tried when the first has none.
local A = setmetatable({}, {__add = function() return "A" end, __concat = function() return "Ac" end})
local B = setmetatable({}, {__add = function() return "B" end, __concat = function() return "Bc" end})
local plain = {}
print(A + B, B + A, A + 1, 1 + B, A .. B, B .. A, "s" .. B)
print(pcall(function() return plain + plain end))
print(plain + A == "A", A + plain)
