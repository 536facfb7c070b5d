-- load with a reader function that returns pieces.
local parts = {"return ", "'pie", "ces'", " .. ", "'!'"}
local i = 0
local f = load(function() i = i + 1; return parts[i] end)
print(f())
local j = 0
print(load(function() j = j + 1; if j == 1 then return "return 1" end return "" end)())
local k = 0
print(load(function() k = k + 1; if k == 1 then return "return 2" end return nil end)())
