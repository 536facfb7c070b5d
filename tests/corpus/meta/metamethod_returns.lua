-- Lua metamethods return through the quick return: their C-call level is
-- released (a loop of them never reaches the limit; a deep chain of them
-- still does), and results beyond the one wanted, or none, are handled.
local mt = {}
mt.__index = function(t, k) return k * 2, "extra", "more" end
mt.__add = function(a, b) return b end
mt.__eq = function() end
mt.__lt = function() return 1, 2 end
mt.__len = function() return end
local o = setmetatable({}, mt)
local p = setmetatable({}, mt)
local s = 0
for i = 1, 100000 do s = s + o[i] + (o + 1) end
print(s, o == p, o < p, #o)
-- A chain of __index functions, each indexing the next object.
local function chain(n)
  local objs = {}
  for i = 1, n do
    objs[i] = setmetatable({}, {__index = function(_, k)
      if i == n then return k end
      return objs[i + 1][k]
    end})
  end
  return objs[1]
end
print(chain(50).x)
print(pcall(function() return chain(300).x end))
-- After the error, metamethods still work.
print(o[21], o + 5)
-- A __close handler that returns values.
do
  local x <close> = setmetatable({}, {__close = function() return 1, 2, 3 end})
end
local function f()
  local y <close> = setmetatable({}, {__close = function() return "ignored" end})
  return "result", 2
end
print(f())
