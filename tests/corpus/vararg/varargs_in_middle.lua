-- ... in the middle of a list is truncated to one value; at the end it expands.
local function f(...)
  local t1 = {..., "end"}
  local t2 = {"start", ...}
  return #t1, #t2, select("#", ..., "x"), select("#", "x", ...)
end
print(f(1, 2, 3))
print(f())
local function g(...) return ..., "tail" end
print(g(1, 2))
print((g(1, 2)))
