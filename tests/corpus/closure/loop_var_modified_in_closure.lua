-- The for control variable is a fresh local per iteration; closures may change their copy.
local fs = {}
for i = 1, 3 do fs[i] = function() i = i + 10; return i end end
print(fs[1](), fs[1](), fs[2](), fs[3]())
local gs = {}
for k, v in pairs({10, 20}) do gs[k] = function(x) v = v + x; return k, v end end
print(gs[1](1), gs[1](1), gs[2](5))
