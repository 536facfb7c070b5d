-- A returning function closes its captured locals before its results
-- move down to the caller: a result may land on a captured slot.
local function f()
  local a = 1
  local g = function() return a end
  return 10, 20, g
end
local x, y, g = f()
print(x, y, g())

-- The same with a to-be-closed variable beside the upvalue.
local function h()
  local a = "kept"
  local t <close> = setmetatable({}, { __close = function() print("closed") end })
  return "r1", "r2", function() return a end
end
local r1, r2, k = h()
print(r1, r2, k())

-- Many calls: each returned closure keeps its own variable.
local fs = {}
local function mk(i)
  local v = i * 2
  return i, function() v = v + 1; return v end
end
for i = 1, 5 do
  local _, fn = mk(i)
  fs[i] = fn
end
for i = 1, 5 do io.write(fs[i](), " ") end
print()
