-- `x ^ 2` is `x * x` in PUC-Rio (luai_numpow) for values computed at run
-- time too, integers included: 123456789 ^ 2 is 15241578750190521 rounded
-- to even (..1dc), where pow() gives ..1dd. (Found by tests/difftest.)
local i, f = 123456789, 123456789.0
local two, twof = 2, 2.0
print(string.format("%a", i ^ 2), string.format("%a", f ^ 2))
print(string.format("%a", i ^ two), string.format("%a", i ^ twof), string.format("%a", f ^ two))
print(string.format("%a", (i ^ 2) + 1.5625))
print(string.format("%a", math.pow(i, 2)))  -- math.pow calls pow() itself
