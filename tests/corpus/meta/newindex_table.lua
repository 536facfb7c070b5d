-- __newindex with a table redirects assignments of absent keys.
local store = {}
local proxy = setmetatable({}, {__newindex = store})
proxy.a = 1
proxy[2] = "two"
print(rawget(proxy, "a"), store.a, store[2])
rawset(proxy, "b", "raw")
proxy.b = "again"
print(proxy.b, store.b)
-- A chain: the redirect target has its own __newindex.
local deep = {}
local mid = setmetatable({}, {__newindex = deep})
local top = setmetatable({}, {__newindex = mid})
top.k = "v"
print(rawget(top, "k"), rawget(mid, "k"), deep.k)
