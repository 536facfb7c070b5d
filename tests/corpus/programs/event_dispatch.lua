-- Observers with closures, varargs and error isolation through pcall.
local Emitter = {}
Emitter.__index = Emitter
function Emitter.new() return setmetatable({handlers = {}}, Emitter) end
function Emitter:on(ev, f) local hs = self.handlers[ev] or {}; self.handlers[ev] = hs; hs[#hs + 1] = f; return #hs end
function Emitter:emit(ev, ...)
  local results = {}
  for i, f in ipairs(self.handlers[ev] or {}) do
    local ok, r = pcall(f, ...)
    results[#results + 1] = ok and tostring(r) or ("error: " .. tostring(r))
  end
  return table.concat(results, "; ")
end
local e = Emitter.new()
local total = 0
e:on("add", function(n) total = total + n; return total end)
e:on("add", function(n) if n < 0 then error("negative", 0) end return "ok " .. n end)
e:on("msg", function(...) return select("#", ...) .. " args" end)
print(e:emit("add", 5))
print(e:emit("add", -2))
print(e:emit("msg", 1, nil, 3))
print(e:emit("none"))
print(total)
