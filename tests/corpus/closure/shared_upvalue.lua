-- Closures created in the same scope share the variable, not a copy.
local function counter()
  local c = 0
  return function() c = c + 1; return c end, function() return c end, function(v) c = v end
end
local inc, get, set = counter()
inc(); inc()
print(get())
set(100)
print(inc(), get())
local inc2, get2 = counter()
print(inc2(), get(), get2())
