-- next/pairs over a pure array part visits 1..n in order.
local t = {"a", "b", "c", "d"}
for k, v in pairs(t) do io.write(k, v, " ") end print()
print(next(t))
print(next(t, 4))
print(next({}))
print(pcall(next, t, 5))
local keys = {}
local h = {alpha = 1, beta = 2, gamma = 3, [10] = 4}
for k in pairs(h) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, " "))
