-- Recursion over linked stacks: towers of Hanoi where each peg is a
-- linked list of disc nodes, moved node by node.
local function push(peg, node) node.below = peg.top; peg.top = node; peg.size = peg.size + 1 end
local function pop(peg)
  local node = peg.top
  peg.top = node.below
  peg.size = peg.size - 1
  return node
end

local moves = 0
local function move(n, from, to, via)
  if n == 0 then return end
  move(n - 1, from, via, to)
  local disc = pop(from)
  if to.top and to.top.size < disc.size then error("illegal move") end
  push(to, disc)
  moves = moves + 1
  move(n - 1, via, to, from)
end

local total = 0
for round = 1, 8 do
  local a, b, c = {size = 0}, {size = 0}, {size = 0}
  for d = 18, 1, -1 do push(a, {size = d}) end
  move(18, a, c, b)
  total = total + c.size + c.top.size
end
print(moves, total)
