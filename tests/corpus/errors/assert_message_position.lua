-- assert raises its message through `error` at level 1: a string message
-- (or the default one) gets the position of assert's caller
print(pcall(function() assert(false, "msg") end))
print(pcall(function() assert(nil) end))
local ok, e = pcall(function() assert(false, {}) end)
print(ok, type(e))
print(pcall(function() assert(false, 42) end))
print(pcall(assert, false, "called by pcall"))
print(select('#', assert(1, 2, 3)), assert("v", "ignored"))
print(pcall(assert))
