-- io.read("n") follows lua_stringtonumber on what it can read: hex, exponents, signs, limits.
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("0x1F -0x10 1e2 -3.5e-1 .5 5. +7 0x1p4 12abc 99\n", string.rep("1", 250), "\n", "- 5\n", "nan inf\n")
f:close()
f = assert(io.open(name))
local out = {}
for i = 1, 9 do out[#out + 1] = tostring(f:read("n")) end
print(table.concat(out, " "))
print(f:read("l"))
print(f:read("n"), f:read("l"))
print(f:read("n"), f:read("l"))
print(f:read("n"), f:read("l"))
print(f:read("n"), f:read("a"))
f:close()
os.remove(name)
