print(table.unpack({1, 2, 3}, -1, 1))
local a = {1, 2, 3, 4, 5}
table.move(a, 2, 4, 1)
print(table.concat(a, ","))
local b = table.move({1, 2, 3}, 1, 3, 3, {})
print(b[1], b[3], b[5])
local c = {1, 2, 3}
table.move(c, 1, 3, 2)
print(table.concat(c, ","))
print(pcall(table.move, {}, 1, math.maxinteger, 2))
local p = table.pack()
print(p.n, #p)
