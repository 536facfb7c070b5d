local t = {}
local up = nil
print(pcall(function() return t.a.b end))
print(pcall(function() return undefinedvar.x end))
print(pcall(function() return up.x end))
print(pcall(function() local l; return l.x end))
print(pcall(function() t:nomethod() end))
print(pcall(function() return t[1].x end))
print(pcall(function() return 1 + t end))
print(pcall(function() return "a" .. {} end))
print(pcall(function() undefinedfn() end))
print(pcall(function() return -t end))
print(pcall(function() return #up end))
