print(pcall(table.sort, {3, 2, 1}, function(a, b) return true end))
print(pcall(table.sort, {1, 2, 3}, 42))
local mixed = {3, 1, 2}
print(pcall(table.sort, mixed, function(a, b) error("cmp failed", 0) end))
local mt = {__lt = function(a, b) return a.k < b.k end}
local objs = {}
for i, k in ipairs({3, 1, 2}) do objs[i] = setmetatable({k = k}, mt) end
table.sort(objs)
print(objs[1].k, objs[2].k, objs[3].k)
local t = {}
for i = 1, 100 do t[i] = (i * 37) % 101 end
print(pcall(table.sort, t, function(a, b) return true end))
local u = {}
for i = 1, 100 do u[i] = i % 7 end
print(pcall(table.sort, u, function(a, b) return a <= b end))
