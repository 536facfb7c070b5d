-- Errors stop at the innermost pcall; outer code continues.
local log = {}
local ok, e = pcall(function()
  local ok2, e2 = pcall(function() error("inner", 0) end)
  log[#log + 1] = tostring(ok2) .. ":" .. e2
  error("outer", 0)
end)
log[#log + 1] = tostring(ok) .. ":" .. e
print(table.concat(log, " "))
local depth = 0
local function nest(n)
  if n == 0 then error("bottom", 0) end
  local ok, e = pcall(nest, n - 1)
  depth = depth + 1
  error(e .. "<" .. n, 0)
end
print(pcall(nest, 5))
print(depth)
