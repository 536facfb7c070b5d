-- Comparison never converts strings to numbers.
print(pcall(function() return 1 < "2" end))
print(pcall(function() return "10" < 9 end))
print("10" < "9", "10" == 10)
local t = {}
t["1"] = "string key"; t[1] = "integer key"
print(t["1"], t[1], t[1.0])
