-- Long brackets: levels, leading newline dropped, no escapes.
print([[simple]])
print([[
first newline dropped]])
print([==[contains ]] and ]=] inside]==])
print([[no \n escapes \t here]])
local s = [[
line1
line2
]]
print(#s, s:sub(-1) == "\n")
print([=[
]=] == "", [[a
b]] == "a\nb")
--[[ long
comment ]] print("after long comment")
--[==[ another
]] still comment ]==] print("after level-2 comment")
