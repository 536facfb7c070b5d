local function f(...)
  local t = {k = ..., ...}
  t.x = ...
  local a = (...)
  local b, c = (...), ...
  return t.k, t.x, a, b, c, #t
end
print(f(1, 2, 3))
print(f())
