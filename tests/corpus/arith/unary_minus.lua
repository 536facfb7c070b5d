local a = 3
print(-a, - -a, -(-a), -"2", -"2.5", - "0x10")
print(-math.mininteger == math.mininteger)
print(pcall(function() return -{} end))
print(pcall(function() return -"abc" end))
print(-0, -0.0, math.type(-"3"), math.type(-"3.0"))
