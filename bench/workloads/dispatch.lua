-- Polymorphic method dispatch: a scheduler runs a linked ring of tasks of
-- four classes (sharing a base class through __index), each with its own
-- `step` and `done` methods and fields updated on every visit.
local Task = {}
Task.__index = Task
function Task.new(class, id, work)
  return setmetatable({id = id, work = work, count = 0, next = nil}, class)
end
function Task:done() return self.count >= self.work end
function Task:step(acc) self.count = self.count + 1; return acc + self.id end

local function subclass(base)
  local c = setmetatable({}, {__index = base})
  c.__index = c
  return c
end

local Adder = subclass(Task)
function Adder:step(acc) self.count = self.count + 1; return acc + self.count end

local Mixer = subclass(Task)
function Mixer:step(acc)
  self.count = self.count + 2
  return (acc * 3 + self.id) % 1000003
end

local Idle = subclass(Task)
function Idle:step(acc) self.count = self.count + 1; return acc end
function Idle:done() return self.count >= self.work * 2 end

local Device = subclass(Adder)
function Device:step(acc)
  local v = Adder.step(self, acc)
  self.pending = (self.pending or 0) + 1
  return v - self.pending % 3
end

local classes = {Task, Adder, Mixer, Idle, Device}
local head, tail
for i = 1, 200 do
  local t = Task.new(classes[i % #classes + 1], i, 20000 + i % 97)
  if tail then tail.next = t else head = t end
  tail = t
end

-- Round robin: run each live task once per lap, unlink finished ones.
local acc, steps = 0, 0
while head do
  local prev, t = nil, head
  while t do
    acc = t:step(acc)
    steps = steps + 1
    if t:done() then
      if prev then prev.next = t.next else head = t.next end
    else
      prev = t
    end
    t = t.next
  end
end
print(acc, steps)
