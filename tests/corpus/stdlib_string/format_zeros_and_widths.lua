print(#string.format("%s", "a\0b"), string.format("%s|", "a\0b") == "a\0b|")
print(pcall(string.format, "%5s", "a\0b"))
print(string.format("%.1s|%.0s|%5.3s|", "abc", "abc", "abcdef"))
print(string.format("%-3c|%3c|", 65, 66))
