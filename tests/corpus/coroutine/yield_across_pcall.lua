-- 5.4 can yield across pcall and metamethods.
local co = coroutine.wrap(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("from inside pcall")
    error("after resume: " .. x, 0)
  end)
  coroutine.yield(tostring(ok) .. " " .. v)
  local t = setmetatable({}, {__index = function(_, k) return coroutine.yield("index " .. k) end})
  local got = t.key
  return "got " .. got
end)
print(co())
print(co("X"))
print(co())
print(co("value"))
