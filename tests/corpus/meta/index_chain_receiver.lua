-- Along an __index chain, a function handler receives the table whose
-- metatable holds it, not the table first indexed.
local B = setmetatable({}, {__index = function(t, k) return t.name .. ":" .. k end})
B.name = "B"
local A = setmetatable({name = "A"}, {__index = B})
local t = setmetatable({name = "t"}, {__index = A})
print(t.x, A.y, B.z)
local log = {}
local C
C = setmetatable({}, {__newindex = function(tbl, k, v) log[#log + 1] = tostring(tbl == C) .. " " .. k end})
local D = setmetatable({}, {__newindex = C})
D.field = 1
print(log[1], rawget(D, "field"), rawget(C, "field"))
