-- __concat is tried when either operand is not a string or number.
local mt = {__concat = function(a, b)
  local function s(v) return type(v) == "table" and "<" .. v.name .. ">" or tostring(v) end
  return s(a) .. "+" .. s(b)
end}
local x = setmetatable({name = "x"}, mt)
local y = setmetatable({name = "y"}, mt)
print(x .. y, x .. "s", "s" .. x, 1 .. x, x .. 2.5)
print("a" .. "b" .. x .. "c")
print(pcall(function() return x .. nil end))
print(pcall(function() return {} .. "a" end))
