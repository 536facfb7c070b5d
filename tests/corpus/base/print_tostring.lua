-- print separates with tabs and calls tostring (__tostring, __name).
print(1, "two", 3.0, nil, true)
print()
print(nil)
print("")
local t = setmetatable({}, {__tostring = function() return "T!" end})
print(t, "and", t)
print(pcall(print, setmetatable({}, {__tostring = function() return {} end})))
