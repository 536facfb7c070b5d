-- os.exit(code, true) closes the state: pending to-be-closed variables run.
local x <close> = setmetatable({}, {__close = function() print("closed by os.exit(_, true)") end})
local function deeper()
  local y <close> = setmetatable({}, {__close = function() print("inner closed first") end})
  os.exit(5, true)
end
deeper()
