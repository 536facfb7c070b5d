-- `__le` absent: `a <= b` is `not (b < a)` through `__lt` (LUA_COMPAT_LT_LE, luna's `compat53` feature)
local mt = {__lt = function(a, b) return a.v < b.v end}
local a, b = setmetatable({v=1}, mt), setmetatable({v=2}, mt)
print(a <= b, b <= a, a <= a, a >= b, b >= a)
if a <= b then print("if-le") end
while b <= a do end
print(pcall(function() return a <= 1 end))
local mt2 = {__lt = function(x, y) return true end}
local c = setmetatable({}, mt2)
print(c <= 1, 1 <= c)
print(pcall(function() return {} <= {} end))
local co = coroutine.wrap(function() return a <= b end)
print(co())
local t = {}
for i=1,5 do t[i] = setmetatable({v=6-i}, mt) end
table.sort(t, function(x, y) return x <= y and not (y <= x) end)
print(t[1].v, t[5].v)
