-- __close handlers run while an error unwinds to a pcall can yield (Lua
-- handlers and coroutine.yield itself); an error in one replaces the
-- error the pcall returns; the other handlers still run.
local function closer(f) return setmetatable({}, {__close = f}) end

local co = coroutine.wrap(function()
  local function body(fail)
    local a <close> = closer(function(_, e) coroutine.yield("a sees " .. tostring(e)) end)
    local b <close> = closer(function(_, e)
      coroutine.yield("b sees " .. tostring(e))
      if fail then error("from b", 0) end
    end)
    local c <close> = closer(coroutine.yield)
    error("boom", 0)
  end
  print(pcall(body, false))
  print(pcall(body, true))
  return "done"
end)
for _ = 1, 9 do
  local r = co()
  print(type(r) == "table" and "c's object" or r)
  if r == "done" then break end
end
