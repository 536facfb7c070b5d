-- A binary heap priority queue with a custom comparator.
local Heap = {}
Heap.__index = Heap
function Heap.new(less) return setmetatable({items = {}, n = 0, less = less or function(a, b) return a < b end}, Heap) end
function Heap:push(v)
  self.n = self.n + 1
  local items, i = self.items, self.n
  items[i] = v
  while i > 1 do
    local p = i // 2
    if not self.less(items[i], items[p]) then break end
    items[i], items[p] = items[p], items[i]
    i = p
  end
end
function Heap:pop()
  if self.n == 0 then return nil end
  local items = self.items
  local top = items[1]
  items[1] = items[self.n]
  items[self.n] = nil
  self.n = self.n - 1
  local i = 1
  while true do
    local l, r, m = 2 * i, 2 * i + 1, i
    if l <= self.n and self.less(items[l], items[m]) then m = l end
    if r <= self.n and self.less(items[r], items[m]) then m = r end
    if m == i then break end
    items[i], items[m] = items[m], items[i]
    i = m
  end
  return top
end

local h = Heap.new()
for _, v in ipairs({5, 3, 9, 1, 7, 2, 8, 6, 4, 0}) do h:push(v) end
local out = {}
while h.n > 0 do out[#out + 1] = h:pop() end
print(table.concat(out, " "))

local tasks = Heap.new(function(a, b) if a.pri ~= b.pri then return a.pri > b.pri end return a.seq < b.seq end)
local seq = 0
for _, t in ipairs({{"write docs", 1}, {"fix bug", 5}, {"review", 3}, {"deploy", 5}, {"lunch", 2}}) do
  seq = seq + 1
  tasks:push({name = t[1], pri = t[2], seq = seq})
end
while tasks.n > 0 do local t = tasks:pop(); print(t.pri, t.name) end

-- Dijkstra on a small graph using the heap.
local graph = {a = {b = 7, c = 9, f = 14}, b = {a = 7, c = 10, d = 15}, c = {a = 9, b = 10, d = 11, f = 2},
  d = {b = 15, c = 11, e = 6}, e = {d = 6, f = 9}, f = {a = 14, c = 2, e = 9}}
local dist = {a = 0}
local q = Heap.new(function(x, y) return x[1] < y[1] end)
q:push({0, "a"})
while q.n > 0 do
  local d, u = table.unpack(q:pop())
  if d <= dist[u] then
    local ns = {}
    for v in pairs(graph[u]) do ns[#ns + 1] = v end
    table.sort(ns)
    for _, v in ipairs(ns) do
      local nd = d + graph[u][v]
      if dist[v] == nil or nd < dist[v] then dist[v] = nd; q:push({nd, v}) end
    end
  end
end
local keys = {}
for k in pairs(dist) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", dist[k], " ") end print()
