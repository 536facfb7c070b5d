-- Arithmetic conversion of strings follows the lexer: hex, exponents, spaces.
print("0x10" * 1, "1e1" * 1, " 0x1p4 " * 1, "10" / "4", "9" // 2)
print(math.type("0x10" * 1), math.type("1e1" * 1), math.type("10" * 1))
print("9223372036854775807" + 0, "9223372036854775808" + 0)
print("0xffffffffffffffff" + 0, "-0x1" + 0)
print(pcall(function() return "1 1" + 0 end))
print(pcall(function() return "0x" + 0 end))
print(pcall(function() return "" + 0 end))
print(10 == "10", 10 .. "" == "10")
