local mt = {__close = function(o) print("close", o.n) end}
for i = 1, 3 do
  local c <close> = setmetatable({n = i}, mt)
  if i == 2 then break end
  print("body", i)
end
