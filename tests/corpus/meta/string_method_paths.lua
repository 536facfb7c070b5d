-- Method calls on strings go through the string metatable's __index:
-- the usual table, a table with its own __index (table or function), a
-- function, or nothing at all.
print(pcall(function() return ("x"):nope() end))
print(pcall(function() local n = 5; return n:foo() end))
print(("abc"):upper(), type(("abc").len), #("abc"):rep(3))
local mt = getmetatable("")
local old = mt.__index
mt.__index = function(s, k) return function() return "fn:" .. k end end
print(("x"):whatever())
mt.__index = setmetatable({}, {__index = old})
print(("hey"):upper(), ("hey"):sub(2))
mt.__index = setmetatable({}, {__index = function(t, k) return function() return "deep " .. k end end})
print(("hey"):zzz())
mt.__index = nil
print(pcall(function() return ("x"):upper() end))
mt.__index = old
print(("ok"):upper())
local s, n = "k", 0
for i = 1, 100 do n = n + #s:rep(i) end
print(n)
