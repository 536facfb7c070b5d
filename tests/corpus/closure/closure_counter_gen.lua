-- Closures as iterators/generators.
local function range(n)
  local i = 0
  return function() i = i + 1; if i <= n then return i end end
end
local s = 0
for v in range(100) do s = s + v end
print(s)
local function memo(f)
  local cache = {}
  return function(n) local v = cache[n]; if v == nil then v = f(n); cache[n] = v end; return v end
end
local fib
fib = memo(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(80))
