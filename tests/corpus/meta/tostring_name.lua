-- print and tostring use __tostring, and __name when there is none.
local t = setmetatable({}, {__tostring = function(self) return "I am t" end})
print(t, tostring(t))
local named = setmetatable({}, {__name = "MyType"})
print((tostring(named):gsub("0x%x+", "ADDR"):gsub(": [%x]+$", ": ADDR")))
print(pcall(tostring, setmetatable({}, {__tostring = function() return 42 end})))
print(pcall(tostring, setmetatable({}, {__tostring = function() error("inner") end})))
local s = setmetatable({}, {__tostring = function() return "x" end})
print(s .. "" == nil)
