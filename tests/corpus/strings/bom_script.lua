-- A script starting with a UTF-8 byte order mark: lua5.4 skips the BOM.
print("after the BOM")
local name = os.tmpname()
local f = assert(io.open(name, "wb"))
f:write("\239\187\191#!shebang after BOM\nreturn 7")
f:close()
print(loadfile(name)())
os.remove(name)
