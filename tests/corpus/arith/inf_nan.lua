-- Infinities and NaN: printing, comparisons, math.type.
local inf, nan = math.huge, 0/0
print(inf, -inf, math.type(inf))
print(nan ~= nan, nan == nan, nan < nan, nan >= nan)
print(inf > math.maxinteger, -inf < math.mininteger)
print(inf - inf ~= inf - inf, inf * 0 ~= inf * 0)
print(math.max(1, inf), math.min(-inf, 1))
print(string.format("%.1f", inf), string.format("%d", 3))
local t = {}
print(pcall(function() t[nan] = 1 end))
print(t[nan], rawget(t, nan))
