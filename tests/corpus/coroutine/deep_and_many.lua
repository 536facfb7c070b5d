-- corpus: skip-stress (many coroutines)
-- Many live coroutines, nested resumes, and deep recursion inside a coroutine.
local cos = {}
for i = 1, 1000 do
  cos[i] = coroutine.wrap(function() local n = i while true do n = n + coroutine.yield(n) end end)
  cos[i]()
end
local s = 0
for i = 1, 1000 do s = s + cos[i](1) end
print(s)
local function nest(n)
  if n == 0 then return coroutine.yield("deepest") end
  return coroutine.wrap(function() return nest(n - 1) end)()
end
print(coroutine.wrap(function() return nest(50) end)())
local deep = coroutine.wrap(function()
  local function d(n) if n == 0 then return coroutine.yield("deep yield") end return d(n - 1) end
  local function r(n) if n == 0 then return coroutine.yield("recursion") end local v = r(n - 1) return v end
  coroutine.yield(d(100000))
  return r(10000)
end)
print(deep(), deep("resumed"), deep("again"))
