-- Closure creation and upvalue access.
local function counter()
  local c = 0
  return function(d) c = c + d; return c end
end
local s = 0
for i = 1, 1000000 do
  local f = counter()
  for j = 1, 10 do s = s + f(j) end
end
local acc = 0
local function add(x) acc = acc + x end
for i = 1, 10000000 do add(i) end
print(s, acc)
