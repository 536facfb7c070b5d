-- Several to-be-closed variables whose __close handlers fail: each later
-- handler sees the newest error, and pcall gets the last one.
local function closer(name, fail)
  return setmetatable({}, {__close = function(_, err)
    print("closing " .. name, err)
    if fail then error(name .. " failed", 0) end
  end})
end
print(pcall(function()
  local a <close> = closer("a", true)
  local b <close> = closer("b", true)
  local c <close> = closer("c", false)
  error("body failed", 0)
end))
print(pcall(function()
  local a <close> = closer("a2", false)
  local b <close> = closer("b2", true)
  return "normal return"
end))
