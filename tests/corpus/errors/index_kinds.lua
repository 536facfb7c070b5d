local t = {}
local up
print(pcall(function() return undefined_table.x end))
print(pcall(function() return t.a.b end))
print(pcall(function() return up.x end))
print(pcall(function() local l; return l.x end))
print(pcall(function() return t[1][2] end))
print(pcall(function() undefined_table.x = 1 end))
print(pcall(function() t.a.b = 1 end))
print(pcall(function() return ("x").y.z end))
print(pcall(function() return t:m() end))
