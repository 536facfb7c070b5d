-- All 256 byte values through char/byte, %q, patterns and case functions.
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
print(#s, s:byte(1), s:byte(-1), select("#", s:byte(1, -1)))
local q = string.format("%q", s)
print(#q, load("return " .. q)() == s)
print(q:sub(1, 60))
print(#s:upper(), #s:lower(), s:upper():byte(98), s:lower():byte(66), s:upper():byte(200))
local classes = {}
for _, c in ipairs({"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x"}) do
  classes[#classes + 1] = c .. "=" .. select(2, s:gsub(c, ""))
end
print(table.concat(classes, " "))
print(s:find("[\0-\31]+"), s:find("[\128-\255]+"), #s:reverse(), s:reverse():byte(1))
