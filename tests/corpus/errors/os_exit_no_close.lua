-- os.exit without its close argument ends the process at once: no __close runs.
local x <close> = setmetatable({}, {__close = function() print("never printed") end})
print("before exit")
os.exit(true)
