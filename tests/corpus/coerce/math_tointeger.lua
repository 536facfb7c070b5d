print(math.tointeger(3), math.tointeger(3.0), math.tointeger(3.5), math.tointeger(-0.0))
print(math.tointeger("3"), math.tointeger("x"), math.tointeger({}))
print(math.tointeger(2^62), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger(1/0))
print(pcall(math.tointeger))
