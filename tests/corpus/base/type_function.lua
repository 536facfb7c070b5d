print(type(nil), type(true), type(1), type(1.5), type("s"), type({}), type(print), type(type))
print(type(function() end), type(coroutine.create(function() end)), type(io.stdout))
print(pcall(type))
print(type(type(nil)))
