-- Library functions convert numeric strings and integral floats for integer arguments.
print(("hello"):sub("2", "3"), ("hello"):sub(2.0, "3.0"), string.char(65.0, "66"))
print(string.rep("ab", "2"), ("x"):rep(2.0), string.byte("abc", "2"))
print(pcall(string.sub, "hello", "2.5"))
print(pcall(string.sub, "hello", "two"))
print(string.format("%d|%x|%5.1f", "42", "255", "2.25"))
print(pcall(math.max, "10", 9))
print(math.floor("3.7"), math.abs("-2"), math.max("10", "9"))
print(select("2", "a", "b"), ("abc"):upper(), tostring(12):len())
