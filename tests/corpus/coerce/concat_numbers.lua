-- Concatenation converts numbers with the same rules as tostring.
print(1 .. "", 1.0 .. "", -0.0 .. "", 1e100 .. "", 0.1 .. "", 2^63 .. "")
print(1 .. 2, 1 .. 2.5, "a" .. 1 .. "b" .. 2.0)
print(pcall(function() return "a" .. {} end))
print(pcall(function() return "a" .. nil end))
print(pcall(function() return true .. "a" end))
local x = 3
print(x .. x, x .. -x)
