-- Comparisons of numbers, strings and mixed types.
print(1 < 2, 2 <= 2, 3 > 2, 3 >= 4, 1 ~= 1.0, "a" < "b", "abc" < "abd")
print("" < "a", "a" < "aa", "Z" < "a", "10" < "9", "a\0b" < "a\0c", "a\0" > "a")
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil >= 1 end))
print(1 == "1", "1" == 1, nil == false, {} == {})
local f = function() end
print(f == f, print == print, "x" == "x")
