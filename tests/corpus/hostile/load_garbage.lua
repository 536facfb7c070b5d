-- load() of garbage and of truncated chunks: an error value, never a crash.
local seed = 7
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

local ok_count, err_count = 0, 0
for _ = 1, 300 do
  local bytes = {}
  for j = 1, rnd(40) do bytes[j] = string.char(rnd(256)) end
  local f = load(table.concat(bytes))
  if f then ok_count = ok_count + 1 else err_count = err_count + 1 end
end
print("random text", ok_count + err_count)

local chunk = string.dump(function(a, b) local t = {a, b, "s", 1.5} return #t end)
local loaded = 0
for n = 0, #chunk - 1 do
  if load(chunk:sub(1, n), "cut", "b") then loaded = loaded + 1 end
end
print("truncated loads", loaded)
print(type(load(chunk, "whole", "b")), load(chunk, "whole", "b")(1, 2))
print(load("\27Lua", "x"))
print(load("\27", "x", "t"))
print(load("return 1", "x", "b"))
print(pcall(load, chunk, "x", "q"))
print(type(load(function() return nil end)))
print(pcall(load, function() return {} end))
print(pcall(load, function() error("reader") end))
