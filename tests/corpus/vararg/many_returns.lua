-- Many results through calls and table constructors.
local function gen(n) local t = {} for i = 1, n do t[i] = i end return table.unpack(t) end
print(select("#", gen(200)))
local t = {gen(250)}
print(#t, t[250])
local function sum(...) local s = 0 for _, v in ipairs({...}) do s = s + v end return s end
print(sum(gen(1000)))
print(math.max(gen(500)))
