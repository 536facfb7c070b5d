-- Errors raised while handling errors: message handlers, __close,
-- __gc (as warnings), nested pcalls.
print(xpcall(error, error, "first"))
print(xpcall(error, function(m) error(m .. "!") end, "x"))
print(xpcall(error, function(m) return m .. " handled" end, "y"))
print(select("#", xpcall(error, function() end, "z")))

local depth = 0
print(xpcall(function() error("deep") end, function(m)
  depth = depth + 1
  if depth < 50 then error(m) end
  return "gave up at " .. depth
end))

print(pcall(function()
  local a <close> = setmetatable({}, {__close = function() error("close a") end})
  local b <close> = setmetatable({}, {__close = function() error("close b") end})
  error("body")
end))

print(pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, e) error(tostring(e) .. "+a", 0) end})
  return "returned"
end))

warn("@on")
local keep = {}
for i = 1, 3 do
  keep[i] = setmetatable({}, {__gc = function() error("gc " .. i, 0) end})
end
keep = nil
collectgarbage()
collectgarbage()
print("after gc errors")

print(pcall(error))
print(pcall(error, nil))
print(pcall(error, setmetatable({}, {__tostring = function() error("inner") end})))
print(coroutine.resume(coroutine.create(function() error({code = 1}) end)))
local co = coroutine.wrap(function() error("in wrap") end)
print(pcall(co))
print(pcall(coroutine.close, coroutine.create(print)))
