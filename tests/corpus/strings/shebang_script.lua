#!/usr/bin/env lua5.4
-- The first line of a script file is skipped when it starts with '#'.
print("after the shebang line")
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("#!/usr/bin/lua\nreturn 40 + 2\n")
f:close()
print(loadfile(name)())
print(dofile(name))
os.remove(name)
print(load("#!x\nreturn 1"))
