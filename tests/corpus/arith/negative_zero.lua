-- -0.0 is a float equal to 0 whose sign shows in division and printing.
local nz = -0.0
print(nz, 0.0, nz == 0, nz == 0.0)
print(1 / nz, 1 / 0.0)
print(math.type(nz), -0 == 0, math.type(-0))
print(0.0 * -1, -(0.0), 0 * -1)
local t = {}
t[nz] = "negzero"
print(t[0], t[0.0])
print(string.format("%g", nz), tostring(nz))
