local t = {}
local s = "str"
print(pcall(function() return t + 1 end))
print(pcall(function() return 1 + t.x end))
print(pcall(function() return undefinedglobal * 2 end))
print(pcall(function() return s - 1 end))
print(pcall(function() return t.a.b end))
print(pcall(function() return 2 ^ {} end))
print(pcall(function() return -t end))
print(pcall(function() return #nil end))
print(pcall(function() return #5 end))
