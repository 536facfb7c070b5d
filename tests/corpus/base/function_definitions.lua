-- function statements with dotted names, methods, and local functions.
local a = {b = {c = {}}}
function a.b.c.f(x) return "f" .. x end
function a.b.c:m(x) return self == a.b.c, x end
print(a.b.c.f(1), a.b.c:m(2))
local obj = {n = 0}
function obj.inc(self, k) self.n = self.n + (k or 1) return self end
obj:inc():inc(5)
print(obj.n)
local function outer() local function inner() return "inner" end return inner() end
print(outer())
local anon = (function(...) return select("#", ...) end)(1, 2, 3)
print(anon)
do
  local function rec(n) if n == 0 then return 0 end return n + rec(n - 1) end
  print(rec(100))
end
print(type(rec))
