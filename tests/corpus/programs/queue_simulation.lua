-- A deterministic event simulation with a seeded generator of our own.
local seed = 12345
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
local queue, head, tail = {}, 1, 0
local served, waited, maxlen = 0, 0, 0
for tick = 1, 2000 do
  if rnd(10) < 4 then tail = tail + 1; queue[tail] = tick end
  if tick % 3 == 0 and head <= tail then
    waited = waited + (tick - queue[head]); queue[head] = nil; head = head + 1; served = served + 1
  end
  maxlen = math.max(maxlen, tail - head + 1)
end
print(served, waited, maxlen, tail - head + 1)
print(string.format("%.3f", waited / served))
