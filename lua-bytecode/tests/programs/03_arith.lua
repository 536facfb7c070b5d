local x, y = 7, 2
print(x + y, x - y, x * y, x / y, x % y, x ^ y, x // y)
print(x + 1, x - 1, x * 3, x / 4, x % 5, x ^ 2, x // 3)
print(1 + x, 10 - x, 2 * x, 1 / x, 9 % x, 2 ^ x, 100 // x)
print(x + 1.5, x + 100000, x - 200000)
