local s = "luna"
print(s:len(), #s, string.len(s), s:upper():lower())
print(("x"):rep(3):upper():len())
print(pcall(string.len))
print(pcall(string.len, 12), string.len(12))
print(string.upper(12), string.sub(12345, 2, 3))
