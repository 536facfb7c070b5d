-- Structured error objects with methods.
local Err = {}
Err.__index = Err
Err.__tostring = function(e) return "Err(" .. e.msg .. ")" end
local function throw(msg) error(setmetatable({msg = msg}, Err)) end
local ok, e = pcall(throw, "bad input")
print(ok, getmetatable(e) == Err, e.msg, tostring(e))
local ok2, e2 = pcall(function()
  local ok3, e3 = pcall(throw, "inner")
  e3.msg = e3.msg .. "+wrapped"
  error(e3)
end)
print(tostring(e2))
