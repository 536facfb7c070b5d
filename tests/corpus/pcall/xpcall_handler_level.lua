-- The handler sees the erroring function's level with error level 2.
local function check(x) if type(x) ~= "number" then error("expected number", 2) end return x end
local function use() return check("no") end
print(xpcall(use, function(m) return "got: " .. m end))
print(pcall(use))
local function use2() local v = check("no"); return v end
print(xpcall(use2, function(m) return "got: " .. m end))
