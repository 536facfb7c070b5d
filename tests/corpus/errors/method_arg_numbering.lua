-- Argument numbers in "bad argument" messages skip self for method calls,
-- and a bad self is reported as such.
print(pcall(function() return ("x"):rep("y") end))
print(pcall(function() return string.rep("x", "y") end))
print(pcall(function() return ("x"):sub({}) end))
print(pcall(function() return io.stdout:write({}) end))
print(pcall(function() return io.stdout.write(io.stdout, {}) end))
print(pcall(function() return io.stdout.write({}) end))
print(pcall(function() local f = io.stdout; return f:seek("bad") end))
print(pcall(function() local s = "abc"; return s:byte({}) end))
print(pcall(function() local t = {rep = string.rep}; return t:rep(2) end))
print(pcall(function() return ("x"):format() end))
print(pcall(function() return ("%d"):format("z") end))
