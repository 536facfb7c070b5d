-- f{...} and f"..." call forms, and method calls with varargs.
local function f(x) return type(x), type(x) == "table" and #x or x end
print(f{1, 2})
print(f"str")
print(f[[long]])
local obj = {n = "o"}
function obj:m(...) return self.n, select("#", ...) end
print(obj:m(), obj:m(1, 2))
print(("%s-%s"):format("a", "b"), #"xyz")
