-- Errors inside xpcall message handlers.
print(xpcall(error, function(m) error("handler failed", 0) end, "original"))
print(xpcall(function() error("x", 0) end, function(m) return m .. " handled" end))
print(select("#", xpcall(error, function() return 1, 2, 3 end)))
