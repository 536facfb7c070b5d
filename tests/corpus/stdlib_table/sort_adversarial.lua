-- corpus: skip-stress (thousands of comparisons: a full collection at every safepoint is quadratic)
-- table.sort on inputs that defeat naive quicksorts (organ pipe, median-of-3
-- killer, few distinct values) and on comparators that are not orders.
local N = 1000
local function check(name, t, cmp)
  local ok, e = pcall(table.sort, t, cmp)
  local sorted = ok
  if ok then for i = 2, #t do if (cmp or function(a, b) return a < b end)(t[i], t[i - 1]) then sorted = false end end end
  print(name, ok, sorted, e)
end
local t = {} for i = 1, N do t[i] = (i <= N / 2) and i or (N - i) end check("organ", t)
t = {} for i = 1, N do t[i] = i % 2 end check("two values", t)
t = {} for i = 1, N do t[i] = 7 end check("all equal", t)
t = {} for i = 1, N do t[i] = N - i end check("reverse", t)
local k = N // 2 t = {} for i = 1, k do if i % 2 == 1 then t[i] = i else t[i] = k + i - 1 end t[k + i] = 2 * i end check("m3killer", t)
t = {} for i = 1, N do t[i] = tostring(N - i) end check("strings", t)
t = {} for i = 1, 500 do t[i] = i end check("always true", t, function() return true end)
t = {} for i = 1, 500 do t[i] = i end check("<=", t, function(a, b) return a <= b end)
t = {} for i = 1, 500 do t[i] = i end check("error", t, function(a, b) if a == 250 then error("boom") end return a < b end)
t = {} for i = 1, 50 do t[i] = {} end check("no lt", t)
t = {} for i = 1, 50 do t[i] = (i % 2 == 0) and i or tostring(i) end check("mixed", t)
