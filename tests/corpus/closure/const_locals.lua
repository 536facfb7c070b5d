-- <const> locals: compile-time constants and captured constants.
local K <const> = 10
local S <const> = "str"
local BIG <const> = 2^53
local function f() return K * 2, S .. "!", BIG + 1 end
print(f())
local N <const> = math.maxinteger
print(N + 1 == math.mininteger)
local T <const> = {}
T.field = "tables stay mutable"
print(T.field)
print(load("local c <const> = 1; local function g() c = 2 end"))
print(load("local c <close> = nil; c = 1"))
