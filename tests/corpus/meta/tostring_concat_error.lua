local s = setmetatable({}, {__tostring = function() return "x" end})
print(tostring(s) .. "ok")
print(pcall(function() return s .. "" end))
