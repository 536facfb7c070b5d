-- The shared string metatable can be extended and its __index replaced.
local mt = getmetatable("")
local old = mt.__index
mt.__index = function(s, k)
  if k == "shout" then return function(self) return self:upper() .. "!" end end
  return old[k]
end
print(("hey"):shout(), ("abc"):len(), ("x").nothing)
mt.__index = old
print(pcall(function() return ("hey"):shout() end))
mt.__add = function(a, b) return "added" end
print(pcall(function() return "1" + "2" end))
mt.__add = nil
print(pcall(function() return "1" + "2" end))
