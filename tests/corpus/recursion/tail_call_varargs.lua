-- corpus: skip-stress (many calls)
-- Tail calls with varargs and through methods.
local obj = {}
function obj:count(n, ...) if n == 0 then return select("#", ...) end return self:count(n - 1, ...) end
print(obj:count(300000, 1, 2, 3))
local function tc(n, ...) if n == 0 then return ... end return tc(n - 1, ...) end
print(tc(300000, "x", nil, "z"))
