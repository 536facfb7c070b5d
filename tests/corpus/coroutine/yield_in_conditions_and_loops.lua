-- Executor mechanics (first written for the tree executor's walk): deep
-- nesting (returns into frames whose block stack is deeper than the inline
-- part), conditions evaluated in place and
-- under cursors, metamethods and yields inside conditions and loops, and
-- the pc recorded for errors raised deep inside blocks.

local function id(x) return x end

-- 1. Twenty nested blocks with calls at the bottom; break and goto out of
-- several levels.
local function deep(n)
  local s = 0
  for a = 1, n do
    if a > 0 then
      for b = 1, 2 do
        while true do
          if b then
            repeat
              for c = 1, 2 do
                if c == 1 or c == 2 then
                  do
                    for d = 1, 1 do
                      if id(d) == 1 then
                        while id(true) do
                          if true then
                            for e = 1, 3 do
                              if e ~= 2 then
                                repeat
                                  for f = 1, 1 do
                                    if f then
                                      for g = 1, 2 do
                                        s = s + id(a) * id(g) + e
                                        if g == 2 and e == 3 and c == 2 then
                                          goto out
                                        end
                                      end
                                    end
                                  end
                                until true
                              end
                            end
                          end
                          break
                        end
                      end
                    end
                  end
                end
              end
              ::out::
            until id(true)
            break
          end
        end
      end
    end
  end
  return s
end
print("deep", deep(3), deep(10))

-- 2. Conditions: pre blocks with calls, and/or chains, constants.
local t = { n = 0 }
function t.step(self) self.n = self.n + 1; return self.n end
local i = 0
while t:step() < 5 and id(i) < 100 or i == -1 do i = i + 1 end
print("while", i, t.n)
local r = 0
repeat
  local k = r * 2
  r = r + 1
until id(k) >= 6 and r ~= 0
print("repeat", r)
local cnt = 0
for x = 1, 20 do
  local v = x % 4
  if v == 0 then cnt = cnt + 100
  elseif v == 1.0 then cnt = cnt + 10
  elseif x == "3" or x == 3.5 then cnt = cnt - 1000
  else cnt = cnt + 1 end
end
print("if", cnt)
local nan = 0 / 0
print("nan", nan < 1, nan >= 1, not (nan == nan), 1.5 < 2, 2.0 <= 2, -1 > -2.5)
print("str", "a" < "b", "abc" <= "abd", ("x"):rep(2) == "xx")

-- 3. Comparison metamethods in conditions (Lua functions: they run as
-- frames of the walk), with yields inside them.
local mt = {}
mt.__lt = function(a, b)
  local v = coroutine.isyieldable() and coroutine.yield("lt") or nil
  return a.v < b.v
end
mt.__le = function(a, b) return a.v <= b.v end
local function box(v) return setmetatable({ v = v }, mt) end
local co = coroutine.wrap(function()
  local n, lim = box(0), box(3)
  local steps = 0
  while n < lim do
    n = box(n.v + 1)
    steps = steps + 1
  end
  repeat steps = steps + 10 until box(steps) <= box(100) and not (lim < n)
  if n < lim or lim < n then steps = steps + 1000 end
  return "done", steps
end)
local got = {}
while true do
  local a, b = co()
  got[#got + 1] = tostring(a)
  if a == "done" then got[#got + 1] = tostring(b) break end
end
print("yields", table.concat(got, ","))

-- 4. __index / __newindex / arithmetic written in Lua, inside loops, with
-- a yield inside __index.
local proxy = setmetatable({}, {
  __index = function(_, k) if coroutine.isyieldable() then coroutine.yield(k) end return k * 2 end,
  __newindex = function(tt, k, v) rawset(tt, k, v + 1) end,
  __add = function(a, b) return 7 end,
})
local co2 = coroutine.wrap(function()
  local s = 0
  for j = 1, 3 do
    if j ~= 2 then s = s + proxy[j] end
  end
  proxy[10] = 1
  return s + rawget(proxy, 10) + (proxy + 1)
end)
local seen = {}
for _ = 1, 10 do
  local v = co2()
  seen[#seen + 1] = v
  if v >= 10 then break end
end
print("index", table.concat(seen, ","))

-- 5. Numeric and generic for loops.
local acc = {}
for x = 1, 2, 0.5 do acc[#acc + 1] = x end
for x = 3, 1, -1 do acc[#acc + 1] = x end
for x = math.maxinteger - 1, math.maxinteger do acc[#acc + 1] = x - math.maxinteger end
for x = 1, 0 do acc[#acc + 1] = "never" end
print("for", table.concat(acc, " "))
local function range(n)
  return coroutine.wrap(function() for q = 1, n do coroutine.yield(q, q * q) end end)
end
local sq = 0
for a, b in range(4) do sq = sq + a + b end
for k, v in pairs({ 5, 6, 7 }) do sq = sq + k * v end
for _, v in ipairs({ 1, 2, nil, 4 }) do sq = sq + v end
print("generic", sq)

-- 6. Errors deep inside blocks report their own line.
local function bad(z)
  for q = 1, 2 do
    if q == 2 then
      while true do
        return z + {}
      end
    end
  end
end
print("err", pcall(bad, 1))
print("err", pcall(function() local u; for q = 1, 1 do if q then return u.field end end end))
print("err", pcall(function() local u = {}; while u do u = u.next.next end end))

-- 7. A condition's operands partly on fast paths: the walk runs the rest
-- of the pre block from the node that needs a metamethod (which may
-- yield).
local calls = 0
local inner = setmetatable({}, { __index = function(_, key) calls = calls + 1; return key > 2 end })
local outer = { inner = inner, lim = 3 }
local hits = 0
for q = 1, 5 do
  if outer.inner[q] and q + outer.lim > 5 then hits = hits + 1 end
end
print("partial", hits, calls)
local co3 = coroutine.wrap(function()
  local m = setmetatable({}, { __index = function(_, key) coroutine.yield(key) return key end })
  local w = { m = m }
  local n = 0
  while w.m[n + 1] < 4 do n = n + 1 end
  return "end", n
end)
local ys = {}
for _ = 1, 10 do
  local a, b = co3()
  ys[#ys + 1] = tostring(a)
  if a == "end" then ys[#ys + 1] = tostring(b) break end
end
print("partial-yield", table.concat(ys, ","))
