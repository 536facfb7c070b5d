-- LUA_COMPAT_5_3 math functions (on in lua5.4's release build and luna's default `compat53` feature)
print(math.pow(2,10), math.pow(2,0.5), math.log10(1000), math.log10(2))
for _, x in ipairs{8, 0.1, -3, 0, 1e-310, 1e308, -0.0, 1/0} do print(math.frexp(x)) end
for _, p in ipairs{{0.5,3},{1,1024},{1,-1074},{1,-1075},{3,-1074},{1.5,-1074},{1,2000},{1,-2000},{7,-1060}} do print(math.ldexp(p[1],p[2])) end
print(math.cosh(1), math.sinh(1), math.tanh(1), math.cosh(0))
print(pcall(math.pow, "x"), pcall(math.ldexp, 1, 1.5))
print(math.ldexp(1, 2^40))
