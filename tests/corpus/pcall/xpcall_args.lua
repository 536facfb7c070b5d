print(xpcall(function(...) return select("#", ...), ... end, print, 1, nil, 3))
print(xpcall(string.rep, print, "ab", 3))
print(pcall(xpcall, function() end))
