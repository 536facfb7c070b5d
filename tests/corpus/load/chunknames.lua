-- chunk names shape positions in messages.
print(pcall(load("error('x')", "=custom")))
print(pcall(load("error('x')", "@path/file.lua")))
print(pcall(load("error('x')", "literal source")))
print(pcall(load("error('x')")))
print(pcall(load("\n\nerror('x')", string.rep("long name ", 10))))
print(load("x =", "=named"))
print(load("x =", "@named.lua"))
print(load("x ="))
