-- Deeply recursive patterns end in an error, never a crash.
local s = string.rep("a", 300)
print(pcall(string.match, s, string.rep("a?", 300) .. string.rep("a", 300)))
print(pcall(string.find, s, string.rep("(", 40) .. "a" .. string.rep(")", 40)))
print(pcall(string.match, string.rep("a", 33), string.rep("(a)", 33)))
print(pcall(string.match, string.rep("a", 40), string.rep(".-", 3) .. "b"))
