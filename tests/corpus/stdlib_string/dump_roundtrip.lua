-- string.dump output loads back; functions with upvalues get fresh ones.
local function add(a, b) return a + b end
local f = load(string.dump(add))
print(f(2, 3))
local k = 5
local function withup() return k end
local g = load(string.dump(withup))
print(g() == _G)
print(pcall(string.dump, print))
print(type(string.dump(add, true)))
