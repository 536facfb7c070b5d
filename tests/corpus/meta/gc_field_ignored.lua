-- Setting __gc on a table metatable is allowed (finalizers come later: no output here).
local t = setmetatable({}, {__gc = true})
print(type(getmetatable(t).__gc))
local mt = {__mode = "k"}
print(getmetatable(setmetatable({}, mt)).__mode)
