-- Text to double: %.17g and %a texts read back to the same double; decimal
-- strings with many digits round correctly.
local seed = 7
local function nextint() seed = (seed * 1103515245 + 12345) % 2147483648 return seed end
local bad = 0
for i = 1, 300 do
  local v = (nextint() / 2147483648 + nextint() / 2^62) * 10.0 ^ (nextint() % 600 - 300)
  if tonumber(string.format("%.17g", v)) ~= v then bad = bad + 1 end
  if tonumber(string.format("%a", v)) ~= v then bad = bad + 1 end
  if tonumber(string.format("%.17g", -v)) ~= -v then bad = bad + 1 end
end
print("mismatches", bad)
for _, s in ipairs({"0.1", "0.30000000000000004", "9007199254740993", "2.2250738585072011e-308",
  "4.9406564584124654e-324", "1.7976931348623157e308", "1.7976931348623159e308",
  "123456789012345678901234567890", "0.000000000000000000000000000001234", "1e-320", "2.5e-324"}) do
  print(s, string.format("%.17g", tonumber(s)))
end
