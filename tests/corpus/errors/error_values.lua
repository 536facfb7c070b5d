-- Error values of any type pass through pcall unchanged.
print(pcall(error, 42))
print(pcall(error, 4.5))
print(pcall(error, true))
print(pcall(error, false))
local t = {code = 1}
local ok, e = pcall(error, t)
print(ok, e == t, e.code)
local ok2, e2 = pcall(error, print)
print(ok2, e2 == print)
-- Numbers do not get a position prefix, strings do.
print(pcall(function() error(7) end))
print(pcall(function() error("7") end))
