-- corpus: skip-stress (20000 frames, a runaway recursion and 100000 tail calls)
-- deep recursion is stackless; runaway recursion is a catchable error
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(20000))
local function runaway() local x = runaway() return x end
local ok, e = pcall(runaway)
print(ok, e)
local function tail(n) if n == 0 then return "done" end return tail(n - 1) end
print(tail(100000))
local function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(pcall(even, 10))
local function pdepth(n) if n == 0 then return 0 end local ok, v = pcall(pdepth, n - 1) return v + 1 end
print(pdepth(150))
print(pcall(pdepth, 300))
