-- corpus: skip-stress (fills the stack)
-- Unbounded recursion ends in a catchable "stack overflow" error, and the
-- program then carries on normally, deep calls included.
local function runaway(n) return 1 + runaway(n + 1) end
local ok, e = pcall(runaway, 1)
print(ok, type(e), e:find("stack overflow", 1, true) ~= nil)
local function d(n) if n == 0 then return 0 end return 1 + d(n - 1) end
print(d(10000))
print("done")
