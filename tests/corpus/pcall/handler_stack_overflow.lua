-- corpus: skip-stress (fills the stack)
-- corpus: timeout 15 (a hang here must not cost CI a minute per variant)
-- A stack overflow inside an xpcall message handler: "error in error handling".
local function runaway() return runaway() + 1 end
local ok, e = xpcall(function() error("y") end, function(m) return runaway() end)
print(ok, e)
print("still running")
