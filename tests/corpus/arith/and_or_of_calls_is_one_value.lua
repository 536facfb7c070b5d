-- `x and f()` / `x or f()` is one value even when `x` is a constant the
-- compiler folds away (the call is truncated as in luaK_posfix)
local function f() return 1, 2, 3 end
local function v(...) return ... end
local a, b = 3 and f()
print(a, b)
local c, d = nil or f()
print(c, d)
print(select('#', 3 and f()), select('#', false or f()), select('#', true and v(4, 5)))
local t = {3 and f()}
print(#t)
print((2 and f()), (nil or v(7, 8)))
local function g(...) local x, y = 1 and ..., 2 return x, y end
print(g(9, 10))
print(true and f())
