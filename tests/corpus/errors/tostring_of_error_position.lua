-- Positions use the chunkname; nested functions report their own lines.
local function a()
  local x = nil
  return x.y
end
local ok, e = pcall(a)
print(e)
print(pcall(load("return nil + 1", "=mychunk")))
print(pcall(load("return nil + 1", "@file.lua")))
print(pcall(load("\n\nreturn nil + 1", "some code")))
