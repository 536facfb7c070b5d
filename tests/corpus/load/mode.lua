-- load's mode restricts text/binary chunks.
print(type(load("return 1", "c", "t")))
print(load("return 1", "c", "b"))
print(load("return 1", "c", "bt") ~= nil)
local dumped = string.dump(function() return "from binary" end)
print(load(dumped, "d", "t"))
print(load(dumped, "d", "b")())
print(load(dumped)())
print(pcall(load, "return 1", "c", "x"))
