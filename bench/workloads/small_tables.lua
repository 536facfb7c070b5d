-- Many small tables kept alive: 2,000,000 records of three fields (a
-- table box plus a 4-node hash part each). Peak memory is dominated by
-- the table object and node sizes; issue 13 measures it against lua5.4.
local t = {}
for i = 1, 2000000 do t[i] = {x = i, y = 2 * i, name = "p"} end
local s = 0
for i = 1, #t, 7 do local r = t[i] s = s + r.x + r.y + #r.name end
print(#t, s)
