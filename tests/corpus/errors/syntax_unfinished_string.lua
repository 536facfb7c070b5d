local s = "unterminated
print(s)
