-- pcall inside metamethods and metamethods erroring inside pcall.
local mt = {__index = function(t, k)
  local ok, e = pcall(error, "lookup " .. k, 0)
  return e
end}
local t = setmetatable({}, mt)
print(t.anything)
local bad = setmetatable({}, {__add = function() error("no add", 0) end})
print(pcall(function() return bad + bad end))
print(pcall(function() return bad + 1 end))
