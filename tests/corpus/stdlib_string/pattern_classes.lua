local all = {}
for i = 0, 127 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
for _, c in ipairs({"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x", "%A", "%D", "%S", "%W"}) do
  local n = select(2, s:gsub(c, ""))
  io.write(c, "=", n, " ")
end
print()
print(("a1 B2_c3"):gsub("[%a_]", "*"))
print(("a-z]x"):gsub("[a%-z]", "#"))
print(("abc123"):gsub("[^%d]", "."))
print(("hello"):gsub("[l-o]", "X"))
print(("x]y"):gsub("[]]", "!"))
print(("a^b"):gsub("[%^]", "!"), ("a^b"):gsub("[b^]", "!"))
