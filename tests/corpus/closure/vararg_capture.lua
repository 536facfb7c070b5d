-- Varargs are not upvalues: capture them through a table or locals.
local function f(...)
  local t = {...}
  local a, b = ...
  return function() return #t, a, b end
end
print(f(1, 2, 3)())
print(f()())
