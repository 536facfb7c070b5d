-- The cost of a debug hook while one is set: a count hook (every
-- 1,000,000 instructions) over loops, calls and table work. lua5.4 traps
-- every instruction while a count hook is set; luna runs its hooked walk.
local n = 0
debug.sethook(function() n = n + 1 end, "", 1000000)
local function fib(k)
  if k < 2 then return k end
  return fib(k - 1) + fib(k - 2)
end
local s = 0
for i = 1, 10000000 do s = s + i % 7 end
local t = {}
for i = 1, 1000000 do t[i] = i * 2 end
local f = fib(29)
debug.sethook()
print(s, f, #t, n > 0)
