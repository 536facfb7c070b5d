-- corpus: skip-stress (deep stack)
-- 200000 nested Lua calls must work (lua5.4 allows about 250000 of these).
local function f(n) if n == 0 then return "bottom" end local r = f(n - 1) return r end
print(f(199000))
