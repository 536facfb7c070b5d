-- Many deterministic doubles printed with tostring and several formats:
-- checks float-to-text conversion against the C library.
local seed = 42
local function nextint() seed = (seed * 1103515245 + 12345) % 2147483648 return seed end
local out = {}
for i = 1, 120 do
  local m = nextint() / 2147483648 + nextint() / 2^62
  local e = nextint() % 80 - 40
  local v = m * 10.0 ^ e
  if i % 3 == 0 then v = -v end
  out[#out + 1] = string.format("%s %.17g %.3e %g %.10f %a", tostring(v), v, v, v, v, v)
end
print(table.concat(out, "\n"))
for _, v in ipairs({0.1 * 3, 1 / 3 * 3, 2^53 + 1.0, 1e15 + 0.5, 123456789012.345, math.pi * 1e10, 1e21, 1e22, 5e-5, 0.5e-4}) do
  io.write(tostring(v), " ")
end
print()
