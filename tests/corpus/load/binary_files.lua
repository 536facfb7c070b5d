-- Binary chunks in files: loadfile, dofile, a '#' first line before a
-- binary chunk, mode checks; string.dump's argument errors.
local name = os.tmpname()
local function write(s)
  local f = assert(io.open(name, "wb"))
  f:write(s)
  f:close()
end

write(string.dump(load("return 'from file', ...", "@orig.lua")))
print(loadfile(name)(1, 2))
print(dofile(name))
print(select(2, loadfile(name, "t")) == "attempt to load a binary chunk (mode is 't')")
print(loadfile(name, "b") ~= nil)

write("#!/usr/bin/env lua\n" .. string.dump(load("return 'after a # line'")))
print(dofile(name))
write("\xEF\xBB\xBF" .. string.dump(load("return 'after a BOM'")))
print(dofile(name))

-- Errors of the loaded code name its original source.
write(string.dump(load("local x = nil\nreturn x.y", "@orig.lua")))
print(pcall(dofile, name))
os.remove(name)

print(pcall(string.dump))
print(pcall(function() return string.dump(nil) end))
print(pcall(function() return string.dump({}) end))
print(pcall(function() return string.dump(print) end))
print(pcall(function() return string.dump(string.dump) end))
print(type(string.dump(function() end, nil)), type(string.dump(print and function() end, 1)))
