-- string.rep refuses results beyond lua5.4's limit (INT_MAX bytes) with an
-- error, before allocating anything.
print(pcall(string.rep, "x", 1e10))
print(pcall(string.rep, "x", 2^31))
print(pcall(string.rep, "ab", 2^30))
print(pcall(string.rep, "abc", 2^40, ","))
print(pcall(string.rep, "x", 2^30, ("y"):rep(2)))
