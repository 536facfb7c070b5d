-- PUC-Rio compiles `x - k` for a small integer constant k as `x + -k`
-- (OP_ADDI), so -0.0 - 0 is -0.0 + 0 = 0.0, while -0.0 - 0.0 (a float
-- constant, OP_SUBK) stays -0.0. The metamethod still is __sub, with k.
-- (Found by tests/difftest.)
local z = -0.0
print(z - 0, z - 0.0, z + 0, -0.0 - 0, z - (0), z - -0, z - 1 + 1)
print(string.format("%a", z - 0), string.format("%a", -0.0 * 92.9 - (18 // 123456789)))
local zero = 0
print(z - zero)
local t = setmetatable({}, {__sub = function(a, b) return b end, __add = function() return "add" end})
print(t - 0, t - 5, t + 0)
