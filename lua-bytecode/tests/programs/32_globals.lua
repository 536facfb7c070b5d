g1 = 10
g2 = g1 + 1
function gf(x) return x * g2 end
print(gf(2), g1, g2, rawget(_G, "g1"))
local _ENV = {print = print}
z = 5
print(z)
