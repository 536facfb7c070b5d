-- debug.traceback as an xpcall message handler starts at the error.
local function fail() error("oops") end
local function call_fail() fail() end
local ok, tb = xpcall(call_fail, debug.traceback)
print(ok)
print(tb)
local t = {}
function t.method() local x = nil; return x.field end
print(select(2, xpcall(t.method, debug.traceback)))
