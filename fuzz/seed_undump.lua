-- Writes the binary chunk (plain and stripped) of each file named in `arg`
-- that compiles into the directory arg[1] (see fuzz/seed_undump.sh).
local out = arg[1]
local n = 0
for i = 2, #arg do
  local path = arg[i]
  local f = io.open(path, "rb")
  local src = f and f:read("a")
  if f then f:close() end
  local fn = src and load(src, "@" .. path, "t")
  if fn then
    for _, strip in ipairs({false, true}) do
      local name = ("%s/%s%s"):format(out, path:gsub("[^%w]", "_"), strip and "-s" or "")
      local w = assert(io.open(name, "wb"))
      w:write(string.dump(fn, strip))
      w:close()
      n = n + 1
    end
  end
end
io.stderr:write(n, " seeds in ", out, "\n")
