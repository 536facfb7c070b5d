-- Objects reachable only through a store into an object the collector has
-- already traced (a write barrier's job), or only from places it must look
-- at again in the atomic step (a suspended coroutine's stack, an upvalue
-- closed after it was traced). Under LUNA_GC_STRESS=inc the program runs
-- inside collection cycles, so a missing barrier frees a live object.
local N = 60
local old = {}
for i = 1, N do old[i] = {} end

local function churn(n)
  for _ = 1, n do local _ = {} end
end

local function payload(tag, i)
  return {tag .. i, {i}}
end

local function check(t, tag, i)
  assert(type(t) == "table" and t[1] == tag .. i and t[2][1] == i, tag .. i)
end

-- stores into old tables: string key, array slot, hash integer key, new key
for round = 1, 3 do
  for i = 1, N do
    local o = old[i]
    o.field = payload("f", i)
    o[1] = payload("a", i)
    o[1000 + i] = payload("h", i)
    o["k" .. round] = payload("n" .. round, i)
    churn(3)
  end
end
churn(2000)
for i = 1, N do
  local o = old[i]
  check(o.field, "f", i)
  check(o[1], "a", i)
  check(o[1000 + i], "h", i)
  for round = 1, 3 do check(o["k" .. round], "n" .. round, i) end
end

-- metatables set on old tables, reached only through them
for i = 1, N do
  setmetatable(old[i], {__index = payload("m", i)})
  churn(3)
end
churn(2000)
for i = 1, N do check(getmetatable(old[i]).__index, "m", i) end

-- table library writes into an old table
local dst = {}
churn(2000)
for i = 1, N do
  table.insert(dst, payload("i", i))
  churn(3)
end
local src = {}
for i = 1, N do src[i] = payload("mv", i) end
table.move(src, 1, N, N + 1, dst)
src = nil
churn(2000)
for i = 1, N do check(dst[i], "i", i); check(dst[N + i], "mv", i) end

-- closed upvalues assigned after the closure was traced
local getters = {}
for i = 1, N do
  local v
  getters[i] = {function() return v end, function(x) v = x end}
end
churn(2000)
for i = 1, N do
  getters[i][2](payload("u", i))
  churn(3)
end
churn(2000)
for i = 1, N do check(getters[i][1](), "u", i) end

-- upvalues closed after they were traced open
local closers = {}
for i = 1, N do
  local co = coroutine.wrap(function()
    local v = payload("c", i)
    local f = function() return v end
    coroutine.yield(f)
    v = payload("c", i)     -- a new value, set while open
    return f
  end)
  local f = co()
  churn(50)
  closers[i] = co()         -- the frame returns: the upvalue closes
  assert(closers[i] == f)
  churn(3)
end
churn(2000)
for i = 1, N do check(closers[i](), "c", i) end

-- values only on suspended coroutines' stacks
local cos = {}
for i = 1, N do
  cos[i] = coroutine.create(function()
    local v = payload("s", i)
    coroutine.yield()
    check(v, "s", i)
    local w = payload("t", i)
    coroutine.yield()
    check(w, "t", i)
    return "done"
  end)
  coroutine.resume(cos[i])
  churn(3)
end
churn(2000)
for i = 1, N do assert(coroutine.resume(cos[i])) end
churn(2000)
for i = 1, N do assert(select(2, coroutine.resume(cos[i])) == "done") end

-- weak tables: a new value stored into a traced weak-valued table is
-- still cleared once unreachable; a strongly held one stays
local weak = setmetatable({}, {__mode = "v"})
local strong = {}
churn(2000)
for i = 1, N do
  weak[i] = payload("w", i)
  strong[i] = payload("x", i)
  weak[N + i] = strong[i]
  churn(3)
end
collectgarbage()
local left = 0
for i = 1, N do
  if weak[i] ~= nil then left = left + 1 end
  assert(weak[N + i] == strong[i])
end
print("weak entries left", left)

-- ephemerons: a value stored under a live key survives
local eph = setmetatable({}, {__mode = "k"})
local keys = {}
churn(2000)
for i = 1, N do
  keys[i] = {}
  eph[keys[i]] = payload("e", i)
  churn(3)
end
collectgarbage()
for i = 1, N do check(eph[keys[i]], "e", i) end
print("ok")
