-- os.time normalises out-of-range fields; os.date("*t") round-trips.
local function show(t) return string.format("%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.min, t.sec) end
local base = {year = 2024, month = 1, day = 31, hour = 12, min = 0, sec = 0}
for _, delta in ipairs({{"day", 1}, {"month", 1}, {"min", 90}, {"sec", -1}, {"hour", -13}, {"month", -1}, {"day", 366}}) do
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  t[delta[1]] = t[delta[1]] + delta[2]
  local n = os.time(t)
  print(delta[1], delta[2], show(os.date("*t", n)), show(t))
end
local now = os.time({year = 2000, month = 6, day = 15, hour = 8, min = 30, sec = 5})
local back = os.date("*t", now)
print(os.time(back) == now, back.yday, back.wday)
print(pcall(os.time, {year = 2020, month = "x", day = 1}))
print(pcall(os.time, {year = 2020, month = 1.5, day = 1}))
