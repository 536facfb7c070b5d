-- tonumber without a base accepts Lua numerals with surrounding spaces.
local inputs = {"10", "  10  ", "10.5", "-10", "+10", "1e3", "1E-3", ".5", "5.", "0x1F",
  "0X1f", "-0x10", "0x1p4", "0x.8", "inf", "nan", "1e", "", " ", "0x", "1 2", "1a",
  "\t\n12\r\v\f", "1e+2", "- 1", "--1", "0x7fffffffffffffff", "0xffffffffffffffff",
  "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1" .. string.rep("0", 30)}
for _, s in ipairs(inputs) do
  local n = tonumber(s)
  print(string.format("%q", s), n, math.type(n))
end
