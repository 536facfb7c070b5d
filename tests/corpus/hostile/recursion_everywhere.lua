-- Unbounded recursion through every path lua5.4 bounds: each ends in a
-- catchable error.
local function try(name, f, ...)
  local ok, e = pcall(f, ...)
  if not ok and type(e) == "string" then
    e = e:gsub("^.-:%d+: ", "")
  end
  print(name, ok, e)
end

local function lua_rec(n) return 1 + lua_rec(n + 1) end
try("lua", lua_rec, 1)

local idx = setmetatable({}, {})
getmetatable(idx).__index = function(t, k) return t[k + 1] end
try("__index", function() return idx[1] end)

local ni = setmetatable({}, {})
getmetatable(ni).__newindex = function(t, k, v) t[k + 1] = v end
try("__newindex", function() ni[1] = 1 end)

local arith = setmetatable({}, {})
getmetatable(arith).__add = function(a, b) return a + b end
try("__add", function() return arith + 1 end)

local cmp = setmetatable({}, {})
getmetatable(cmp).__lt = function(a, b) return a < b end
try("__lt", function() return cmp < cmp end)

local eq1, eq2 = {}, {}
local eqmt = {__eq = function(a, b) return a == b end}
setmetatable(eq1, eqmt) setmetatable(eq2, eqmt)
try("__eq", function() return eq1 == eq2 end)

local len = setmetatable({}, {})
getmetatable(len).__len = function(t) return #t end
try("__len", function() return #len end)

local cat = setmetatable({}, {})
getmetatable(cat).__concat = function(a, b) return a .. b end
try("__concat", function() return cat .. "x" end)

local call = setmetatable({}, {})
getmetatable(call).__call = function(self) return (self()) end
try("__call", function() return call() end)

local ts = setmetatable({}, {})
getmetatable(ts).__tostring = function(t) return tostring(t) end
try("__tostring", function() return tostring(ts) end)

try("pcall", function()
  local function f() return pcall(f) end
  return f()
end)

try("coroutine.wrap", function()
  local function f() return coroutine.wrap(f)() end
  return f()
end)

try("gsub", function()
  local function f(s) return (s:gsub(".", f)) end
  return f("x")
end)

try("sort", function()
  local function f(a, b) table.sort({3, 2, 1}, f) return a < b end
  table.sort({3, 2, 1}, f)
end)

try("string.format %s", function()
  local t = setmetatable({}, {})
  getmetatable(t).__tostring = function(x) return string.format("%s", x) end
  return tostring(t)
end)
print("still alive", 1 + 1)
