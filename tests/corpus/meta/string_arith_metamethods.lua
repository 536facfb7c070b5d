-- Strings get arithmetic through the string metatable; non-numeric strings fail.
print("10" + 1, "3" * "4", -"2", "2" ^ 2, "7" // 2, "7.5" % 2)
print(pcall(function() return "a" + 1 end))
print(pcall(function() return 1 + "b" end))
print(pcall(function() return {} + "1" end))
