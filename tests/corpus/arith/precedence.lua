-- Operator precedence and associativity.
print(2 ^ 3 ^ 2, -2 ^ 2, (-2) ^ 2, 2 ^ -1)
print(1 + 2 * 3 - 4 / 2, (1 + 2) * 3, 7 // 2 * 2, 7 % 3 * 2, -3 % 5, -(3 % 5))
print(1 .. 2 .. 3, "a" .. 1 + 2, 2 * 3 .. "")
print(1 < 2 == true, not 1 == 2, not (1 == 2), #"abc" + 1, -#"ab")
print(1 | 2 & 3, (1 | 2) & 3, 1 << 2 + 1, 1 ~ 3 | 4, ~0 & 0xF, 5 & 3 == 1)
print(1 or 2 and 3, nil and 1 or 2, false or nil, nil or false, 1 and nil)
print(2 ^ 2 .. "", 3 - -3, - - 3, not not nil)
print("a" < "b" and "yes" or "no", 1 == 1.0 and 2 ~= 3)
