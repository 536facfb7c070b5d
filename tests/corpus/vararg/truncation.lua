-- Parentheses and non-final positions truncate multiple results to one.
local function three() return 1, 2, 3 end
local function none() end
print(three())
print((three()))
print(three(), "x")
print("x", three())
print(({three()})[3], #{three(), three()}, #{(three())})
print(none(), "after")
print((none()))
local a, b, c, d = three()
print(a, b, c, d)
local e, f = (three())
print(e, f)
local t = {three(), three(), n = three()}
print(#t, t.n)
print(select("#", none()), select("#", (none())))
