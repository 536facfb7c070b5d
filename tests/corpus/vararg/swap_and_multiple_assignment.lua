local t = {1, 2, 3}
t[1], t[2], t[3] = t[3], t[1], t[2]
print(t[1], t[2], t[3])
local a, b, c = 1
a, b, c = c, a, b
print(a, b, c)
local function mr() return "x", "y", "z" end
local p, q, r, s = 0, mr()
print(p, q, r, s)
local u, v = mr(), 5
print(u, v)
local w = {mr(), mr()}
print(#w, w[1], w[2], w[4])
