-- xpcall message handlers and errors inside them.
print(xpcall(function() error("E") end, function(m) return "handled: " .. m end))
print(xpcall(function() error({1}) end, function(m) return type(m) end))
print(xpcall(function() return "fine", 2 end, print))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(pcall(xpcall))
print(pcall(xpcall, print))
local ok, e = xpcall(function() error("E") end, function(m) error("handler failed") end)
print(ok, type(e))
