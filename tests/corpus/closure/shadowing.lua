-- Shadowed locals are different variables; closures see the one in scope.
local x = 1
local f1 = function() return x end
local x = 2
local f2 = function() return x end
do local x = 3; print(x, f1(), f2()) end
x = 20
print(f1(), f2())
local function g(x) return function() return x end end
print(g(5)(), g("s")())
for x = 7, 7 do print(x, f2()) end
