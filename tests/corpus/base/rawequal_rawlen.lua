print(rawequal(1, 1.0), rawequal("a", "a"), rawequal({}, {}), rawequal(nil, nil))
print(rawlen({1, 2}), rawlen("abc"), rawlen(""))
print(pcall(rawequal))
print(pcall(rawlen))
