-- Backtracking over arrays: count the solutions of the N-queens problem
-- with column and diagonal occupancy arrays.
local function queens(n)
  local col, d1, d2 = {}, {}, {}
  for i = 1, 2 * n do col[i] = false; d1[i] = false; d2[i] = false end
  local solutions = 0
  local function place(row)
    if row > n then solutions = solutions + 1; return end
    for c = 1, n do
      local a, b = row + c, row - c + n
      if not col[c] and not d1[a] and not d2[b] then
        col[c], d1[a], d2[b] = true, true, true
        place(row + 1)
        col[c], d1[a], d2[b] = false, false, false
      end
    end
  end
  place(1)
  return solutions
end

local s = 0
for round = 1, 6 do
  for n = 4, 11 do s = s + queens(n) end
end
print(s, queens(9))
