-- Lexer corners: nested long brackets, numbers touching operators, comments at end of file.
print(1--[[inline]]+2)
print(#[[abc]], [==[a]]b]=]c]==])
local a = {[ [[k]] ] = "long-string key"}
print(a.k)
print(2^-1, 1e-1, 0x1p-1, -2^2, 2- -2)
print(3 .. 4, 3.0 .. "", "a".."b")
print(1 == 1.0 and "eq" or "ne", not nil == true)
print(#"\z
      ")
-- last line is a comment without a newline