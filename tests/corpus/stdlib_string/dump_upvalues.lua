-- string.dump of functions with upvalues: the loaded function gets fresh
-- upvalues, the first one set to the globals (load's env), the others nil.
local a, b = 10, 20
local function uses_ab() return a, b end
local f = load(string.dump(uses_ab))
local x, y = f()
print(x == _G, y)

-- The first upvalue is _ENV when the function reads a global first.
local function glob() return tostring(a) end
local g = load(string.dump(glob))
print(pcall(g))

-- Upvalue names survive a plain dump (they appear in error messages)...
local t = nil
local function idx() return t.field end
print(pcall(load(string.dump(idx))))
local function idx2() local _ = print; return t.field end
print(pcall(load(string.dump(idx2))))
-- ...and a stripped dump names them '?'.
print(pcall(load(string.dump(idx2, true))))

-- A custom env becomes the first upvalue.
local env = {tostring = function(v) return "env:" .. type(v) end}
local h = load(string.dump(glob), "=h", "b", env)
print(h())

-- Upvalues are independent per load.
local counter = 0
local function inc() counter = counter + 1; return counter end
local i1 = load(string.dump(inc))
local i2 = load(string.dump(inc))
print(pcall(i1))
debug = debug
local function inc2() local _ = _ENV; counter = (counter or 0) + 1; return counter end
local j1 = load(string.dump(inc2))
local j2 = load(string.dump(inc2))
print(j1(), j1(), j2(), j1())

-- Nested closures keep working after a round trip.
local function maker()
  local n = 0
  return function(d)
    n = n + (d or 1)
    return function() return n end
  end
end
local m = load(string.dump(maker))
local step = m()
step(5)
local get = step(2)
print(get())

-- Varargs.
local function va(...)
  local t = {...}
  return select('#', ...), #t, ...
end
local v = load(string.dump(va))
print(v(1, nil, 3))
print(v())
local function va2(a, ...) return a, select(2, ...) end
print(load(string.dump(va2))(1, 2, 3, 4))

-- Recursion through a global and through an upvalue.
function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(load(string.dump(fact))(10))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(pcall(load(string.dump(fib)), 5))

-- Dumping a loaded function again, and a main chunk.
local twice = load(string.dump(load(string.dump(maker))))
print(twice()(3)())
local main = load("local x = ... return x * 2, _ENV == _G")
print(load(string.dump(main))(21))
print(load(string.dump(main, true))(4))
