-- ... in functions: counting, passing through, nils at the end.
local function count(...) return select("#", ...) end
local function pass(...) return ... end
print(count(), count(nil), count(1, nil), count(nil, nil, nil))
print(count(pass(1, nil, nil)), pass(1, 2, 3))
local function head(x, ...) return x, count(...) end
print(head(1, 2, 3), head())
local function add(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(add(1, 2, 3, 4.5))
local function tail(...) local _, rest = ..., nil return (select(2, ...)) end
print(tail(1, 2, 3))
