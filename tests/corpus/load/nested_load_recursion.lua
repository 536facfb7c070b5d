-- Loaded code that loads code.
local src = "return load('return load(\\'return 42\\')')"
print(load(src)()()())
local n = 0
local function nest(d)
  if d == 0 then return "done" end
  n = n + 1
  return load("return ...")(nest(d - 1))
end
print(nest(50), n)
