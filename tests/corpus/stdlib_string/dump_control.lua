-- Control flow survives string.dump: loops, goto, break, conditions,
-- closures per iteration, to-be-closed variables, coroutines.
local function flow(n)
  local out = {}
  for i = 1, n do
    if i % 2 == 0 and i ~= 4 then goto continue end
    out[#out + 1] = i
    ::continue::
  end
  local j = 0
  while true do
    j = j + 1
    if j > 3 then break end
  end
  out[#out + 1] = j
  local k = 10
  repeat local kk = k; k = k - 3 until kk < 5
  out[#out + 1] = k
  for key, v in pairs({a = 1}) do out[#out + 1] = key .. v end
  for _, v in ipairs({7, 8, 9}) do
    if v == 9 then break end
    out[#out + 1] = v
  end
  for x = 3, 1, -1 do out[#out + 1] = x end
  for x = 0.5, 1.5, 0.5 do out[#out + 1] = x end
  do
    local i = 1
    ::top::
    if i <= 3 then i = i + 1; goto top end
    out[#out + 1] = i
  end
  return table.concat(out, ",")
end
print(flow(6))
print(load(string.dump(flow))(6))
print(load(string.dump(flow, true))(6))

-- Closures capturing per-iteration variables, closed by the loop.
local function closures()
  local fs = {}
  for i = 1, 3 do fs[i] = function() return i end end
  local k = 0
  repeat
    local c = k
    fs[#fs + 1] = function() return c * 10 end
    k = k + 1
  until c >= 2
  local r = {}
  for _, f in ipairs(fs) do r[#r + 1] = f() end
  return table.concat(r, " ")
end
print(load(string.dump(closures))())

-- Conditions with and/or, comparisons of every kind.
local function conds(a, b)
  local r = {}
  r[1] = (a and b) or "neither"
  r[2] = a == b
  r[3] = (a or 0) < (b or 0)
  r[4] = not (a ~= nil and b ~= nil) and "some nil" or "both"
  if a and (b or a > 1) and not (a == 3) then r[5] = "yes" else r[5] = "no" end
  while a and a > 0 do a = a - 1 end
  r[6] = a
  return table.concat({tostring(r[1]), tostring(r[2]), tostring(r[3]), r[4], r[5], tostring(r[6])}, " ")
end
local c2 = load(string.dump(conds))
print(c2(1, 2), c2(nil, 5), c2(3, 3), c2(false, nil))

-- To-be-closed variables and a generic for's closing value.
local function closing()
  local log = {}
  local function closer(name)
    return setmetatable({}, {__close = function() log[#log + 1] = "close " .. name end})
  end
  do
    local a <close> = closer("a")
    local b <close> = closer("b")
    log[#log + 1] = "body"
  end
  for _ in function(_, i) if not i then return 1 end end, nil, nil, closer("for") do
    log[#log + 1] = "iter"
  end
  return table.concat(log, "; ")
end
print(load(string.dump(closing))())

-- Coroutines inside a loaded function.
local function gen()
  local co = coroutine.wrap(function(a)
    for i = 1, 3 do a = coroutine.yield(a + i) end
    return "done"
  end)
  return co(10), co(20), co(30), co(40)
end
print(load(string.dump(gen))())

-- Method calls, varargs to tables, multiple results through calls.
local function calls(...)
  local s = ("%d-%s"):format(select('#', ...), (...))
  local t = {n = select('#', ...), ...}
  local function pass(...) return ... end
  return s, t.n, #{pass(...)}, pass(1, pass(2, 3))
end
print(load(string.dump(calls))("x", "y", "z"))

-- Integer and float arithmetic and bitwise operators.
local function arith(a, b)
  return a + b, a - b, a * b, a / b, a // b, a % b, a ^ 2, -a, a & b, a | b,
    a ~ b, a << 2, a >> 1, ~a, #"four", a .. b
end
print(load(string.dump(arith, true))(7, 3))
