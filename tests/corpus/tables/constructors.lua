-- Table constructors: positional, named, bracketed keys, trailing call.
local function three() return 1, 2, 3 end
local t = {10, 20, x = "x", [30] = "thirty", ["y z"] = true, three()}
print(t[1], t[2], t[3], t[4], t[5], t.x, t[30], t["y z"], #t)
local u = {three(), three()}
print(#u, u[1], u[2], u[4])
local v = {[1] = "a", "b"}
print(v[1])
local w = {[1.0] = "float key", [2] = "int"}
print(w[1], w[2.0])
local nested = {{1, {2, {3}}}}
print(nested[1][2][2][1])
