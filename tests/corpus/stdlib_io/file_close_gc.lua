local name = os.tmpname()
do
  local f <close> = io.open(name, "w")
  f:write("closed by <close>")
end
local f = io.open(name)
print(f:read("a"))
print(f:close(), io.type(f))
print(pcall(f.write, f, "x"))
print(tostring(f))
print(pcall(io.close))
os.remove(name)
