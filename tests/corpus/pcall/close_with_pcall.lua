-- __close runs when pcall unwinds.
local function res(name)
  return setmetatable({}, {__close = function(_, e) print("close " .. name, e) end})
end
print(pcall(function()
  local a <close> = res("a")
  do
    local b <close> = res("b")
    error("E", 0)
  end
end))
