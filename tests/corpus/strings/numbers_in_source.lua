-- Numeric literal forms.
print(0, 00, 007, 1e0, 1e+0, 1e-0, 0.0e0, 3e2, 0x0, 0xA, 0Xa, 0x1.8p1)
print(1 // 1, 1.5e3, 2E2, .0, 0., 0x.Fp4)
print(math.type(1e0), math.type(0x10), math.type(0x10p0))
