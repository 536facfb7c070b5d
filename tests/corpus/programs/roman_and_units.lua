-- Number formatting programs: roman numerals, thousands separators, durations.
local function roman(n)
  local vals = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
    {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
  local out = {}
  for _, v in ipairs(vals) do while n >= v[1] do out[#out + 1] = v[2]; n = n - v[1] end end
  return table.concat(out)
end
local function from_roman(s)
  local map = {I = 1, V = 5, X = 10, L = 50, C = 100, D = 500, M = 1000}
  local total, prev = 0, 0
  for i = #s, 1, -1 do
    local v = map[s:sub(i, i)]
    if v < prev then total = total - v else total = total + v; prev = v end
  end
  return total
end
for _, n in ipairs({1, 4, 9, 14, 40, 90, 400, 1994, 2024, 3999}) do
  local r = roman(n)
  io.write(n, "=", r, (from_roman(r) == n) and "" or "!", " ")
end
print()
local function commas(n)
  local s = tostring(math.abs(n))
  local int, frac = s:match("^(%d+)(.*)$")
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return (n < 0 and "-" or "") .. int .. frac
end
print(commas(0), commas(999), commas(1000), commas(-1234567), commas(1234567.25), commas(math.maxinteger))
local function duration(s)
  local parts = {}
  for _, u in ipairs({{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}}) do
    if s >= u[1] then parts[#parts + 1] = (s // u[1]) .. u[2]; s = s % u[1] end
  end
  return #parts > 0 and table.concat(parts, " ") or "0s"
end
print(duration(0), duration(59), duration(3661), duration(90061), duration(1000000))
