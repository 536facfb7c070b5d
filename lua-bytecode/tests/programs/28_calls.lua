local function f(...) return select("#", ...), ... end
print(f())
print(f(1, 2, 3))
print(f(f(1, 2)))
print((f(1, 2)))
print(f(nil, nil))
local t = {f = f}
print(t.f(1), t["f"](2))
print(f "str", f {1})
