-- Errors on constants name the constant.
print(pcall(function() return ("abc") + 1 end))
print(pcall(function() return 1 .. {} end))
print(pcall(function() local s <const> = "text"; return s.x.y end))
print(pcall(function() return nil .. "a" end))
