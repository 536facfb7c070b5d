local mt = {__lt = function(a, b)
  return (type(a) == "table" and a.v or a) < (type(b) == "table" and b.v or b)
end}
local t = setmetatable({v = 5}, mt)
print(t < 10, 1 < t, t > 3, pcall(function() return "x" < t end))
