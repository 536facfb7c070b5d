do
  local x <close> = setmetatable({}, {__close = function() print("closed x") end})
  local y <close> = nil
  print("in block")
end
local function f()
  local z <close> = setmetatable({}, {__close = function(_, e) print("closed z", e) end})
  return "ret"
end
print(f())
