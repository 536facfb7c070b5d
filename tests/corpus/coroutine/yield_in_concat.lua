-- a __concat written in Lua runs as a frame of the loop: a coroutine can yield inside it, and the concatenation goes on after it
local mt = {__concat = function(a, b)
  local x = coroutine.yield("y")
  local function s(v) return type(v) == "table" and "T" or tostring(v) end
  return "<" .. s(a) .. "|" .. s(b) .. ":" .. tostring(x) .. ">"
end}
local t = setmetatable({}, mt)
local co = coroutine.wrap(function() local r = "a" .. t .. "b" .. t .. "c" return r end)
print(co()); print(co(1)); print(co(2))
local co2 = coroutine.wrap(function() return t .. t end)
print(co2()); print(co2("z"))
local co3 = coroutine.wrap(function() local x = 1 .. 2 .. t .. 3 .. 4 return x, "after" end)
print(co3()); print(co3("q"))
-- non-yielding Lua __concat and native one
local u = setmetatable({}, {__concat = function(a, b) return "U" end})
print("x" .. u .. "y" .. u, u .. 1 .. 2)
local w = setmetatable({}, {__concat = rawequal})
print(pcall(function() return "a" .. w end))
print(pcall(function() return "a" .. {} .. "b" end))
local co4 = coroutine.wrap(function() local ok, e = pcall(function() return "a" .. t .. {} end) return ok, e end)
print(co4()); print(co4("v"))
