-- `x ^ 2` is `x * x` in PUC-Rio (luai_numpow), also when the compiler
-- folds constants: 123456789 ^ 2 is 15241578750190521 rounded to even
-- (..1dc), where pow() gives ..1dd. (Found by tests/difftest.)
print(string.format("%a", 123456789 ^ 2))
print(string.format("%a", 123456789.0 ^ 2.0))
print(string.format("%a", 123456789 ^ 2 + 25 / 16))
print(string.format("%.17g", (123456789 ^ 2) % 0.3617))
print(string.format("%a", 0.1 ^ 2), string.format("%a", 1e200 ^ 2), string.format("%a", (-3) ^ 2))
print(2 ^ 0.5, 10 ^ -2, 7 ^ 22, 2 ^ 3)
local K <const> = 123456789
print(string.format("%a", K ^ 2))
