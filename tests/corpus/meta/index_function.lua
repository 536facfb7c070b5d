-- __index functions receive the table and the key.
local calls = 0
local t = setmetatable({x = 1}, {__index = function(t, k)
  calls = calls + 1
  return tostring(k) .. "!"
end})
print(t.x, t.y, t[1], t[true] == nil or t[true])
print(calls)
local squares = setmetatable({}, {__index = function(t, n) local v = n * n; rawset(t, n, v); return v end})
print(squares[4], squares[12], rawget(squares, 4), rawget(squares, 5))
