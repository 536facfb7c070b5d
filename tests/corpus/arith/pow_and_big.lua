-- ^ always produces a float; 2^63 is beyond the integers.
print(2^63, math.type(2^63), 2^63 == math.maxinteger + 1.0)
print(2^-1, (-2)^2, -2^2, 2^0.5 > 1.41)
print(math.maxinteger + 0.0, math.maxinteger + 0.0 == 2^63)
print(math.mininteger + 0.0 == -2^63)
print(2^1023 * 2, 10^308 * 10)
print(math.tointeger(2^53), math.tointeger(2^63), math.tointeger(-2^63))
print(3^2^2, 2^-2^2)
