-- local function sees itself; local f = function does not.
local function fact(n) return n <= 1 and 1 or n * fact(n - 1) end
print(fact(10), fact(20))
local g = function(n) return n end
local g = function(n) if n == 0 then return "base" end return g(n - 1) end
print(g(3))
local function even(n) if n == 0 then return true end local function odd(m) return not even(m) end return odd(n - 1) end
print(even(10), even(7))
