-- "attempt to call" names the variable kind.
local t = {}
local loc
print(pcall(function() undefined_fn() end))
print(pcall(function() t.method() end))
print(pcall(function() t:method() end))
print(pcall(function() loc() end))
print(pcall(function() local l; l() end))
print(pcall(function() t[1]() end))
print(pcall(function() ("x")() end))
print(pcall(function() (nil)() end))
print(pcall(function() string.nothere() end))
