local function f(a, ...)
  local x, y = ...
  local t = {...}
  local n = select("#", ...)
  return a, x, y, #t, n, ...
end
print(f(1))
print(f(1, 2, 3, 4))
print(...)
local a, b = ...
print(a, b)
