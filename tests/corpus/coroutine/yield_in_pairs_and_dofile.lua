-- pairs (with __pairs) and dofile call Lua as frames with a continuation (lua_callk): a coroutine can yield inside them
local t = setmetatable({}, {__pairs = function(t)
  local k = coroutine.yield("in __pairs")
  return function(_, i) if i < k then return i + 1, i * 10 end end, t, 0
end})
local co = coroutine.wrap(function()
  local s = 0
  for i, v in pairs(t) do s = s + v end
  return "sum", s
end)
print(co())
print(co(3))
-- __pairs returning extra or fewer values
print(select('#', pairs(setmetatable({}, {__pairs = function() return 1, 2, 3, 4, 5 end}))))
print(pairs(setmetatable({}, {__pairs = function() return "a" end})))
-- errors inside __pairs
print(pcall(pairs, setmetatable({}, {__pairs = function() error("boom") end})))
print(pcall(pairs, setmetatable({}, {__pairs = 42})))
-- pcall(pairs, ...) and pairs as a pcall'd __pairs
print(pcall(pairs, setmetatable({}, {__pairs = pcall})))
-- dofile in a coroutine, yielding inside the file
local f = os.tmpname()
local h = io.open(f, "w") h:write("local x = coroutine.yield('from file') return x * 2, 'done'") h:close()
local co2 = coroutine.wrap(function() return dofile(f) end)
print(co2())
print(co2(21))
print(pcall(dofile, "/nonexistent/file.lua"))
os.remove(f)
-- tail call into pairs
local function tp(x) return pairs(x) end
print(select('#', tp(setmetatable({}, {__pairs = function() return 1, 2, 3 end}))))
