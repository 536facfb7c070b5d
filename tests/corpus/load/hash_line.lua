-- A first `#` line (and a byte-order mark) is skipped only for files, as
-- luaL_loadfilex does; `load` of a string never skips it, whatever the
-- chunk name.
print(load("#x\nreturn 1", "@f"))
print(load("#x\nreturn 1", "=g"))
print(load("\xEF\xBB\xBFreturn 1"))
local name = os.tmpname()
local f = assert(io.open(name, "wb"))
f:write("\xEF\xBB\xBF#!/usr/bin/env lua\nlocal a = ...\nreturn a, select('#', ...)\n")
f:close()
local chunk = assert(loadfile(name))
print(chunk(42))
f = assert(io.open(name, "wb"))
f:write("#comment\nerror('line two')\n")
f:close()
local ok, err = pcall(dofile, name)
print(ok, (err:gsub("^.-:(%d+):", "FILE:%1:")))
os.remove(name)
