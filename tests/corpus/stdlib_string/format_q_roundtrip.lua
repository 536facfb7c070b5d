-- %q output loads back to the same value.
local values = {"plain", "quote\" and \\ backslash", "nl\nand\rcr", "\0\1\2\0031", "\200\255 bytes", "tab\tx",
  0, -1, math.maxinteger, math.mininteger, 1.5, -0.0, 1e300, 2^-1074, 0.1, 1/3}
for _, v in ipairs(values) do
  local src = string.format("%q", v)
  local back = load("return " .. src)()
  print(src, back == v and math.type(back) == math.type(v))
end
