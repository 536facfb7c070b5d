-- Indexing non-table values goes through their metatables or fails.
print(type(("abc").len), ("abc"):upper(), #"abc")
local s = "hello"
print(s:sub(2, 3), s.x)
print(pcall(function() local n = 5; return n.x end))
print(pcall(function() local b = true; return b.x end))
print(pcall(function() local n; n.x = 1 end))
print(pcall(function() return (nil)[1] end))
