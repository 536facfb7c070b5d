-- Deep pcall nesting: recursion where every level is a protected call,
-- with errors raised from the bottom and caught some levels up.
local function dive(n, fail)
  if n == 0 then
    if fail then error({code = 42}) end
    return 1
  end
  local ok, v = pcall(dive, n - 1, fail)
  if ok then return v + 1 end
  if n % 25 == 0 then return 0 end
  error(v, 0)
end

local total = 0
for i = 1, 30000 do
  total = total + dive(100, i % 3 == 0)
end
print(total)
