-- Error positions of dumped functions: file and line when not stripped,
-- '?' and line -1 (runtime errors) or no position (error()) when stripped.
local function runtime_err()
  local t = nil
  return t.x
end
local function explicit_err()
  error("boom")
end
local function level2_err()
  error("up", 2)
end
local function global_err()
  return undefined_global.field
end
local function call_err()
  local s = "str"
  return s:nomethod()
end
local function arith_err(a)
  return a + {}
end
local function tbc_err()
  local x <close> = 42
end
local function for_err()
  for i = 1, "x" do end
end

for _, f in ipairs({runtime_err, explicit_err, level2_err, global_err, call_err,
                    arith_err, tbc_err, for_err}) do
  print(pcall(load(string.dump(f))))
  print(pcall(load(string.dump(f, true))))
end

-- Tracebacks.
local function inner() local v = nil; v() end
local function outer() inner() end
for _, strip in ipairs({false, true}) do
  local f = load(string.dump(function() local v = nil; v() end, strip))
  print(xpcall(f, debug.traceback))
end

-- An error value that is not a string has no position to get.
print(type(select(2, pcall(load(string.dump(function() error({}) end, true))))))
print(select(2, pcall(load(string.dump(function() error(setmetatable({}, {__tostring = function() return "obj" end})) end, true)))))

-- A stripped function's line is unknown in an error raised by a caller
-- at level 2.
local stripped = load(string.dump(function(g) g() end, true))
print(pcall(stripped, function() error("from callee", 2) end))
local plain = load(string.dump(function(g) g() end))
print(pcall(plain, function() error("from callee", 2) end))

-- Stripping keeps what runs.
local function work(n)
  local s = 0
  for i = 1, n do s = s + i end
  return s
end
print(load(string.dump(work, true))(100), load(string.dump(work))(100))
