local function r0() return end
local function r1(x) return x end
local function r2(x, y) return x, y end
local function rm(...) return 1, ... end
local function rk() return "k", 1.5, nil, true end
print(r0(), r1(1), r2(1, 2), rm(2, 3), rk())
