-- Small tables built and dropped, repeatedly: five rounds of 1,000,000
-- records held by one array, each round's array dropped when the next
-- one is built, so the collector frees (and the allocator reuses) a
-- round's worth of tables every cycle.
local s = 0
for round = 1, 5 do
  local t = {}
  for i = 1, 1000000 do t[i] = {x = i, y = round * i, name = "p"} end
  for i = 1, #t, 3 do local r = t[i] s = s + r.x + r.y end
end
print(s)
