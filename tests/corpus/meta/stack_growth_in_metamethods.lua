-- Metamethods, natives and coroutines that grow the value stack while an
-- instruction of the calling frame is in flight: the executors must re-find
-- the frame's registers afterwards (the stack may have moved).
local mt = {}
local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
mt.__add = function(a, b) return deep(2000) + (type(b) == "number" and b or 0) end
mt.__index = function(t, k) local x = {} for i = 1, 50 do x[i] = deep(100) end return #x end
mt.__lt = function(a, b) deep(3000) return true end
-- `..` and `__close` call their metamethods from inside the instruction
-- (not as frames of the loop), so the instruction's registers must be
-- found again after the nested call.
mt.__concat = function(a, b) return deep(4000 + 16000 * (type(b) == "table" and 1 or 0)) end
local o = setmetatable({}, mt)
local s = 0
for i = 1, 20 do
  s = s + (o + i) + o.foo
  if o < o then s = s + 1 end
  s = s + select("#", table.unpack({1, 2, 3, 4, 5, 6, 7, 8}))
  local co = coroutine.wrap(function(a) local b = coroutine.yield(a + deep(500)) return b * 2 end)
  s = s + co(i) + co(3)
  s = s + select(2, pcall(function() return deep(1000) end))
  local c = i .. o
  s = s + c
  do
    local guard <close> = setmetatable({}, {__close = function() deep(3000) end})
    s = s + 1
  end
  s = s + #string.rep("x", 100) + (string.gsub("abcabc", "b", function(c) return tostring(deep(200)) end)):len()
end
print(s)
