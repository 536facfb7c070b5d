local a, b = 3, 5
print(a < b, a <= b, a > b, a >= b, a == b, a ~= b)
print(a < 4, a <= 3, a > 1, a >= 9, a == 3, a ~= 3)
print(1 < a, 3 <= a, 9 > a, 0 >= a, "x" == a, nil ~= a)
print(a < 1000, a == 1000, "a" < "b", a == 2.5)
