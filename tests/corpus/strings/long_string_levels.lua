-- Long strings and comments of many levels, with brackets inside.
local s = [=====[a]====]b]=]c]]d[[e[=[f]=====]
print(s)
local t = [[
]]
print(#t, t == "")
local u = [[

two newlines, first dropped]]
print(#u, u:sub(1, 1) == "\n")
--[=[ comment with ]] inside ]=] print("code after comment")
print(#[[
]], [[a]] .. [==[b]==])
