-- corpus: skip-stress (deep)
-- Nested pcall many levels deep.
local function nest(n) if n == 0 then return "deep" end return select(2, pcall(nest, n - 1)) end
print(nest(150))
local function nest2(n) if n == 0 then error("from the bottom", 0) end local ok, e = pcall(nest2, n - 1) error(e, 0) end
print(pcall(nest2, 150))
