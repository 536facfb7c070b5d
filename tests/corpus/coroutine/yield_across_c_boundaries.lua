-- Yielding from inside C functions that call Lua (sort comparators, gsub
-- callbacks, __tostring via print) is an error; yield across pcall is fine.
local function try(f)
  local co = coroutine.create(f)
  local ok, e = coroutine.resume(co)
  print(ok, e, coroutine.status(co))
end
try(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)
try(function() string.gsub("ab", ".", function(c) coroutine.yield(c) end) end)
try(function() return tostring(setmetatable({}, {__tostring = function() coroutine.yield() return "x" end})) end)
try(function() return pcall(coroutine.yield, "through pcall") end)
try(function() return select(2, xpcall(coroutine.yield, print, "through xpcall")) end)
