-- Every os.date conversion at a fixed time, in UTC.
local t = 1700000000  -- 2023-11-14 22:13:20 UTC, a Tuesday
for _, c in ipairs({"a", "A", "b", "B", "c", "C", "d", "D", "e", "F", "g", "G", "h", "H", "I", "j",
  "m", "M", "n", "p", "r", "R", "S", "t", "T", "u", "U", "V", "w", "W", "x", "X", "y", "Y", "%"}) do
  print(c, "[" .. os.date("!%" .. c, t) .. "]")
end
print(os.date("!%Ec|%EC|%Ex|%EX|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy", t))
print(os.date("!%Y-%m-%dT%H:%M:%SZ", 0), os.date("!%H", 3600 * 25))
