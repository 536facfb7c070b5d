-- A __concat handler's result is the concatenation's value as it is:
-- numbers, tables, booleans and nil are not turned into strings, whether
-- the handler runs first, last or in the middle of a chain, and whether it
-- is written in Lua or is a native function.
local mt = {}
local a = setmetatable({}, mt)
local results = {5, 2.5, true, false, "s", 0}
for _, r in ipairs(results) do
  mt.__concat = function() return r end
  local x = a .. "y"
  local y = "x" .. a
  local z = a .. "x" .. "y"
  print(type(x), x, math.type(x), type(y), y, type(z), z)
end

-- A table result: the same table comes back.
local t = {}
mt.__concat = function() return t end
print(a .. 1 == t, 1 .. a == t)

-- nil as the result.
mt.__concat = function() end
print(a .. "y", "x" .. a)

-- In the middle of a chain: the result joins the strings on its left.
mt.__concat = function(l, r) return 7 end
print("p" .. "q" .. a .. "r")
print(1 .. 2 .. a)

-- A native handler: rawequal's boolean comes back as it is.
mt.__concat = rawequal
print(a .. 1, a .. a)

-- In a loop, so the flat executor's compiled paths are the ones running.
mt.__concat = function(l, r) return 3 end
local sum = 0
for i = 1, 100 do sum = sum + (a .. i) end
print(sum)
