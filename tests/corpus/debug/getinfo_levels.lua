-- debug.getinfo at levels through natives, metamethods, tail calls and
-- coroutines; every field of the default options.
local function show(t, keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. tostring(t[k]) end
  print(table.concat(out, " "))
end
local keys = {"what", "short_src", "source", "linedefined", "lastlinedefined",
  "currentline", "name", "namewhat", "nups", "nparams", "isvararg",
  "istailcall", "ftransfer", "ntransfer"}

local function here(level) return debug.getinfo(level + 1) end

local function lvl(n)
  local t = here(n)
  if t then show(t, keys) else print("no level", n) end
end

local function f(a, b, ...)
  for i = 0, 4 do lvl(i) end
end
f(1, 2, 3)

-- through a native: table.sort's comparator
local seen
table.sort({3, 1, 2}, function(a, b)
  if not seen then
    seen = true
    for i = 1, 3 do
      local t = debug.getinfo(i, "Sn")
      print(i, t.what, t.name, t.namewhat)
    end
  end
  return a < b
end)

-- metamethods
local mt = {}
mt.__index = function(t, k) local i = debug.getinfo(1, "n") return i.namewhat .. ":" .. tostring(i.name) end
mt.__add = function() local i = debug.getinfo(1, "n") return i.namewhat .. ":" .. tostring(i.name) end
mt.__call = function() local i = debug.getinfo(1, "nt") return i.namewhat .. ":" .. tostring(i.name) end
local obj = setmetatable({}, mt)
print(obj.x, obj + 1, obj())

-- tail calls
local function callee() return debug.getinfo(1, "nt") end
local function caller() return callee() end
local t = caller()
print(t.istailcall, t.name, t.namewhat)

-- methods, fields, globals, upvalues, for iterators
local o = {}
function o.field() return debug.getinfo(1, "n").namewhat end
function o:meth() return debug.getinfo(1, "n").namewhat end
function glob() return debug.getinfo(1, "n").namewhat end
local function up() return debug.getinfo(1, "n").namewhat end
local function useup() return up() end
print(o.field(), o:meth(), glob(), useup())
for k in function(s, c) if not c then return debug.getinfo(1, "n").name end end do print(k) end

-- a function value
local i = debug.getinfo(f)
show(i, keys)
i = debug.getinfo(print)
show(i, keys)
print(debug.getinfo(1000), debug.getinfo(-1))

-- options
for _, o in ipairs{"S", "l", "u", "n", "t", "r", "f", "L"} do
  local t = debug.getinfo(1, o)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  print(o, table.concat(ks, ","))
end
print(pcall(debug.getinfo, 1, "X"))
print(pcall(debug.getinfo, 1, ">S"))
print(pcall(debug.getinfo, {}))

-- active lines
local function lines()
  local x = 1

  x = x + 1
  return x
end
local act = debug.getinfo(lines, "L").activelines
local ls = {}
for l in pairs(act) do ls[#ls + 1] = l end
table.sort(ls)
print(table.concat(ls, " "))

-- coroutines
local co = coroutine.create(function(a)
  local inside = a
  coroutine.yield(debug.getinfo(1, "l").currentline)
end)
print(coroutine.resume(co, 5))
print(debug.getinfo(co, 0, "n").name, debug.getinfo(co, 1, "l").currentline, debug.getinfo(co, 2))
print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2))
