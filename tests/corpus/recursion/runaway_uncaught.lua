-- corpus: skip-stress (fills the stack)
-- An uncaught stack overflow ends the script with an error (message compared up to the traceback).
local function runaway() local x = runaway() return x end
print("before")
runaway()
