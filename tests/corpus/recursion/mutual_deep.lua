-- corpus: skip-stress (deep stack)
local is_even, is_odd
function is_even(n) if n == 0 then return true end local r = is_odd(n - 1) return r end
function is_odd(n) if n == 0 then return false end local r = is_even(n - 1) return r end
print(is_even(100000), is_odd(100001), is_even(7))
