-- Source with CRLF line endings: each \r\n counts as one line.
local a = 1
local s = [[
line1
line2]]
print(#s, s:find("\r"), s:byte(6))
print(a)
print(pcall(function()
  return nil + a
end))
local t = "x\
y"
print(#t, t:byte(2))
error("at line 14")
