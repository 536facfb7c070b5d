local x, y = 0xF0, 0x3C
print(x & y, x | y, x ~ y, ~x, x << 2, x >> 3, x << y, x >> y)
print(x & 0xF, x | 1, x ~ 0xFF, 1 << x, x << -1)
