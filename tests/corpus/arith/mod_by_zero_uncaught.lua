-- An uncaught integer modulo by zero. (The operation sits in a one-line
-- function: lua5.4.4 reports the line of the previous call for an error
-- raised directly by `%`/`//`, a bug fixed in later 5.4 releases.)
local function mod(x, y) return x % y end
print("before")
print(mod(10, 0))
