-- Method calls on values without the method.
print(pcall(function() return ("x"):nomethod() end))
print(pcall(function() local n = 5; return n:foo() end))
print(pcall(function() local t = {}; return t:foo() end))
print(pcall(function() local t = {inner = {}}; return t.inner:foo() end))
print(pcall(function() return math:nothing() end))
