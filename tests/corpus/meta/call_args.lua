-- __call passes the callee first, then every argument including nils.
local obj = {}
local t
local function name(v)
  if v == obj then return "obj" elseif v == t then return "t" end
  return tostring(v)
end
t = setmetatable({}, {__call = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = name((select(i, ...))) end
  print(select("#", ...), table.concat(parts, " "))
  return ...
end})
t()
t(nil, nil)
print(select("#", t(1, nil, 3)))
obj.m = t
obj:m("arg")
