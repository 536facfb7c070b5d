-- Events on the string metatable: # is always raw, indexing by number gives
-- nil, and __call can be added.
local mt = getmetatable("")
mt.__len = function() return 99 end
print(#"abc", rawlen("abc"))
mt.__len = nil
print(("abc")[1], ("abc").len == string.len)
mt.__call = function(s, ...) return s:upper(), select("#", ...) end
print(("abc")(1, 2))
mt.__call = nil
print(pcall(function() return ("abc")() end))
