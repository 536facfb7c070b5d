print(pcall(error, "m", 0))
print(pcall(error, "m", 2))
print(pcall(error, "m", 3.0))
print(pcall(error, {}, 1) == false)
