-- __index on a value returned from __index.
local base = {greeting = "hi"}
local mid = setmetatable({}, {__index = function(_, k) return base[k] end})
local top = setmetatable({}, {__index = mid})
print(top.greeting, top.missing)
local calls = 0
local counting = setmetatable({}, {__index = function(t, k) calls = calls + 1; return nil end})
local x = counting.a or counting.b or "default"
print(x, calls)
