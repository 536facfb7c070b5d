-- raw functions bypass metamethods.
local t = setmetatable({}, {
  __index = function() return "meta" end,
  __newindex = function() error("no writes") end,
  __len = function() return 99 end,
  __eq = function() return true end,
})
rawset(t, "a", 1)
rawset(t, 1, "x")
print(t.a, t.b, rawget(t, "b"), #t, rawlen(t), rawlen("four"))
print(rawequal(t, setmetatable({}, getmetatable(t))), t == setmetatable({}, getmetatable(t)))
print(pcall(rawset, t, nil, 1))
print(pcall(rawlen, 5))
print(pcall(rawget, "s", 1))
print(rawset(t, "z", 2) == t)
