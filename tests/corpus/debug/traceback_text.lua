-- debug.traceback's text, compared exactly (stdout).
local function inner() return debug.traceback("msg") end
local function middle() local r = inner() return r end
print(middle())
print(debug.traceback("level 2", 2))
print(debug.traceback())
print(debug.traceback(nil) == nil, debug.traceback(42), type(debug.traceback({})))
