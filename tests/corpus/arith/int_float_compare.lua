-- Integer/float comparisons are exact, even where doubles round.
local p53 = 2^53          -- float 9007199254740992.0
local i53 = 1 << 53       -- integer 9007199254740992
print(i53 == p53, i53 + 1 == p53, i53 + 1 > p53, i53 - 1 < p53)
print(i53 + 1 == p53 + 1, (i53 + 1) + 0.0 == p53)
print(math.maxinteger < 2^63, math.maxinteger + 0.0 == 2^63, math.maxinteger == 2^63)
print(math.mininteger == -2^63, math.mininteger < -2^63, math.mininteger <= -2^63)
print(1 == 1.0, 1 < 1.5, 2 > 1.5, -1 < -0.5)
print(math.maxinteger < math.huge, math.mininteger > -math.huge)
print(3 <= 3.0, 3 >= 3.0000000000000004, 0 == -0.0)
local nan = 0/0
print(1 < nan, 1 > nan, 1 == nan, math.maxinteger < nan)
local t = {}
t[1.0] = "one"; t[2^53] = "big"
print(t[1], t[i53], next({[3.0] = true}), math.type(next({[3.0] = true})))
