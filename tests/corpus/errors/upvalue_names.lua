-- Errors on upvalues name them.
local count = nil
local str = "s"
local function f() return count + 1 end
local function g() return str.x.y end
local function h() return #count end
print(pcall(f))
print(pcall(g))
print(pcall(h))
