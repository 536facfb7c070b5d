local function inner() error("something broke") end
local function outer() inner() end
print("start")
outer()
print("never")
