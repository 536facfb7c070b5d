-- Objects made by the hundred thousand: closures, coroutines, tables,
-- strings; the program runs in bounded memory and completes.
local n = 30000
local sum = 0
for i = 1, n do
  local f = function() return i end
  sum = sum + f()
end
print("closures", sum)

local done = 0
for i = 1, n do
  local co = coroutine.wrap(function(a) coroutine.yield(a) return a end)
  done = done + co(1)
end
print("coroutines", done)

local live = {}
for i = 1, n do
  live[i % 100 + 1] = coroutine.create(function() end)
end
print("suspended kept", #live)

local s = 0
for i = 1, n do
  local t = {i, {i}, tostring(i)}
  s = s + #t[3]
end
print("tables and strings", s)

local parts = {}
for i = 1, 1000 do parts[i] = ("x"):rep(1000) end
local big = table.concat(parts)
print("concat", #big)
print(collectgarbage("count") < 200 * 1024)
