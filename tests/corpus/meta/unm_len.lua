local mt = {
  __unm = function(a, b) return "neg", rawequal(a, b) end,
  __len = function(a) return 42 end,
}
local t = setmetatable({1, 2, 3}, mt)
print(-t, #t, rawlen(t))
print(select("#", -t))
local s = setmetatable({}, {__len = function() return "not a number" end})
print(#s)
print(#setmetatable({}, {__len = function() return 1, 2 end}))
