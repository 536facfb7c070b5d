-- Coroutine generators: producers wrapped with coroutine.wrap and
-- chained through a filter, consumed by a for loop.
local function range(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local function filter(pred, gen)
  return coroutine.wrap(function()
    for v in gen do
      if pred(v) then coroutine.yield(v) end
    end
  end)
end
local function map(f, gen)
  return coroutine.wrap(function()
    for v in gen do coroutine.yield(f(v)) end
  end)
end

local s, n = 0, 0
for round = 1, 5 do
  for v in map(function(x) return x * 2 end, filter(function(x) return x % 3 ~= 0 end, range(200000))) do
    s = s + v
    n = n + 1
  end
end
print(s, n)
