local function r(x) return string.format("%.10f", x) end
print(r(math.sin(0)), r(math.sin(math.pi / 2)), r(math.cos(0)), r(math.cos(math.pi)))
print(r(math.tan(math.pi / 4)), r(math.asin(1)), r(math.acos(0)), r(math.atan(1)))
print(r(math.atan(1, 1)), r(math.atan(1, -1)), r(math.atan(-1, -1)), r(math.atan(0, -1)))
print(math.deg(math.pi), math.rad(180) == math.pi, math.deg(0))
print(math.type(math.sin(0)), math.type(math.floor(1.5)), math.type(math.sqrt(4)))
