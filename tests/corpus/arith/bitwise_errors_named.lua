local x = 1.5
local t = {f = 2.5}
print(pcall(function() return x | 1 end))
print(pcall(function() return t.f << 1 end))
print(pcall(function() return ~x end))
print(pcall(function() return "abc" & 1 end))
print(pcall(function() return 1 & nil end))
