-- Hexadecimal integer literals wrap; hex floats are exact.
print(0xff, 0XFF, 0x7fffffffffffffff, 0xffffffffffffffff, 0x10000000000000000)
print(0x1p4, 0x.1, 0xA.8p0, 0x1P-2, 0x.0p0)
print(math.type(0xffffffffffffffff), math.type(0x1p4))
print(1e2, 1E-2, 3., .3e1)
print(9223372036854775807, 9223372036854775808, -9223372036854775808)
print(math.type(9223372036854775808), math.type(-9223372036854775807 - 1))
