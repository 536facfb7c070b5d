-- Strings that look like numbers take part in arithmetic.
print("10" + 5, "3" * "4", "2" ^ "3", "7" // "2", "7" % "3", "1e2" + 0)
print("0x10" + 0, " 10 " + 1, "10" + 0.5, "-3" - "-3")
print(math.type("10" + 5), math.type("10.0" + 5), math.type("1e1" * 1))
print(pcall(function() return "abc" + 1 end))
print(pcall(function() return "10a" + 1 end))
print(pcall(function() return {} + 1 end))
print(10 .. 20, 1.5 .. "", -0.0 .. "", 2^63 .. "", math.mininteger .. "")
