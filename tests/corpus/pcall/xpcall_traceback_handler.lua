-- A message handler runs at the error point; debug.traceback as handler.
local function handler(m) return "H(" .. tostring(m) .. ")" end
print(xpcall(error, handler, "direct"))
print(xpcall(function() local x = nil; return x.y end, handler))
local ok, tb = xpcall(function() error("deep") end, debug.traceback)
print(ok, tb:match("^[^\n]*"))
print(tb:find("stack traceback:", 1, true) ~= nil)
