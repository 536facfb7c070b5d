-- corpus: skip-stress (70000-element live tables: a collection per safepoint is quadratic)
-- Large generated chunks: long constructors, many constants, long elseif chains.
local parts = {}
for i = 1, 10000 do parts[i] = tostring(i) end
local t = load("return {" .. table.concat(parts, ",") .. "}")()
print(#t, t[1], t[5000], t[10000])
local ks = {}
for i = 1, 70000 do ks[i] = i .. ".5" end
local big = load("return {" .. table.concat(ks, ",") .. "}")()
print(#big, big[1], big[70000], math.type(big[300]))
local src = {"local x = ... if x == 0 then return 'zero'"}
for i = 1, 500 do src[#src + 1] = "elseif x == " .. i .. " then return 'v" .. i .. "'" end
src[#src + 1] = "else return 'other' end"
local f = load(table.concat(src, "\n"))
print(f(0), f(250), f(500), f(501))
local s = string.rep("x", 100000)
print(#load("return '" .. s .. "'")())
