-- Long __index / __newindex chains of tables: fine up to lua5.4's limit
-- (MAXTAGLOOP, 2000), an error past it, and a loop is caught too.
-- One chain of 2001 tables per field; entries at several depths.
local function chain(n, field)
  local base = {x = "found"}
  local at = {[0] = base}
  for i = 1, n do at[i] = setmetatable({}, {[field] = at[i - 1]}) end
  return at, base
end

local idx = chain(2001, "__index")
local new, base = chain(2001, "__newindex")
for _, n in ipairs({10, 1998, 1999, 2000, 2001}) do
  print("index", n, pcall(function() return idx[n].x end))
  local ok, e = pcall(function() new[n]["y" .. n] = 1 end)
  print("newindex", n, ok, e, rawget(base, "y" .. n))
end

local a = setmetatable({}, {})
local b = setmetatable({}, {__index = a, __newindex = a})
getmetatable(a).__index = b
getmetatable(a).__newindex = b
print("loop", pcall(function() return a.x end))
print("loop", pcall(function() a.x = 1 end))
