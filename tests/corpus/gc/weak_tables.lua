-- Weak tables (__mode "k", "v", "kv") after full collections; ephemerons.
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
local wkv = setmetatable({}, {__mode = "kv"})
local keep = {}
wk[keep] = "kept"; wk[{}] = "dropped"; wk["str"] = {}
wv[1] = keep; wv[2] = {}; wv[3] = "strings are values, not collectable here"
wkv[keep] = keep; wkv[{}] = 1; wkv[2] = {}
collectgarbage()
print(count(wk), wk[keep], count(wv), wv[1] == keep, wv[2], wv[3] ~= nil, count(wkv))
-- ephemeron: a value referring to its own key does not keep the key alive
local eph = setmetatable({}, {__mode = "k"})
do local k = {}; eph[k] = {ref = k} end
collectgarbage()
print(count(eph))
-- a chain of ephemerons kept alive by one strong root
local root = {}
local a, b = {}, {}
eph[root] = a; eph[a] = b; eph[b] = "end"
a, b = nil, nil
collectgarbage()
print(count(eph), eph[eph[eph[root]]])
