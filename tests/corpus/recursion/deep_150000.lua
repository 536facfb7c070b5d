-- corpus: skip-stress (150000 frames; a collection per safepoint would be quadratic)
-- Non-tail recursion 150000 deep through Lua functions.
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(150000))
local function sum(n) if n == 0 then return 0 end local r = sum(n - 1) return r + n end
print(sum(150000))
