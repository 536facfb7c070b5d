-- load returns nil plus the message; nothing is raised.
local f, e = load("return +", "=expr")
print(f, e)
print(select("#", load("x x")))
local ok, f2 = pcall(load, "return 1 +")
print(ok, f2)
print(load("return '\\xZZ'", "=s"))
print(load("return 1 --[==[ unfinished", "=s"))
