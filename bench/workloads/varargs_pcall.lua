-- Varargs, select and pcall in a loop.
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
local function pack2(...) return {...} end
local function risky(i)
  if i % 5 == 0 then error("bad " .. i) end
  return i
end
local total, errs = 0, 0
for i = 1, 1000000 do
  total = total + sum(i, 1, 2, 3)
  total = total + #pack2(i, i, i)
  local ok, v = pcall(risky, i)
  if ok then total = total + v else errs = errs + 1 end
end
print(total, errs)
