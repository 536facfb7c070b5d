-- integer/float rules
print(1, 1.0, -0.0, 1e15, 1e16, 2^53, 2^63, -2^63, 1/0, -1/0)
print(7 // 2, 7.0 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 % -2)
print(9223372036854775807 + 1, -9223372036854775808 - 1, 9223372036854775807 * 2)
print(1 == 1.0, 2^53 == 2^53 + 1, 9007199254740993 < 9007199254740992.0)
print(3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 63, 1 << 64, -1 >> 1, 2.0 | 1)
print("10" + 5, "3" * "4", 10 .. 20, "0x10" + 0, " 5 " * 2)
print(tonumber("0x1p4"), tonumber("1e2"), tonumber("  12  "), tonumber("12a"), tonumber("z", 36), tonumber("-ff", 16))
print(tonumber(""), tonumber("inf"), tonumber("nan"), tonumber("1e"), tonumber(nil))
print(100 / 3, 1e300 * 1e10, -(0/0) ~= -(0/0), 3 // 0.0, -3 % 0.0)
for i = 1, 3 do io = i end
for i = 1.0, 2.0, 0.5 do print(i) end
for i = 10, 1, -4 do print(i) end
for i = 9223372036854775806, 9223372036854775807 do print(i) end
