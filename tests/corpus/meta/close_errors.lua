-- Errors about to-be-closed variables.
print(pcall(function() local x <close> = {} end))
print(pcall(function() local x <close> = 42 end))
print(pcall(function()
  local a <close> = setmetatable({}, {__close = function() error("in close", 0) end})
  return 1
end))
print(pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, e) error("second: " .. e, 0) end})
  error("first", 0)
end))
local ok, e = load("local x <const> = 1; x = 2")
print(ok, e)
