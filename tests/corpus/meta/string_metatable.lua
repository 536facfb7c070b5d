-- All strings share one metatable whose __index is string.
local mt = getmetatable("")
print(mt.__index == string, getmetatable("x") == mt)
print(("%d-%s"):format(5, "x"), ("abc"):len(), ("x"):rep(3, ","))
string.custom = function(s) return "custom:" .. s end
print(("v"):custom())
print(#"\0\0", ("a\0b"):len())
