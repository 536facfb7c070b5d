local function producer()
  return coroutine.create(function()
    for _, item in ipairs({"a", "b", "c"}) do coroutine.yield(item) end
    return nil
  end)
end
local function filter(src)
  return coroutine.create(function()
    while true do
      local _, v = coroutine.resume(src)
      if v == nil then return nil end
      coroutine.yield(v:upper() .. v)
    end
  end)
end
local f = filter(producer())
while true do
  local _, v = coroutine.resume(f)
  if not v then break end
  io.write(v, " ")
end
print()
local fib = coroutine.wrap(function() local a, b = 0, 1 while true do coroutine.yield(a) a, b = b, a + b end end)
local out = {}
for i = 1, 15 do out[i] = fib() end
print(table.concat(out, ","))
