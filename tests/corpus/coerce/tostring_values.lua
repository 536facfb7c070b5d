-- tostring of every kind of value whose text is stable.
print(tostring(nil), tostring(true), tostring(false), tostring(12), tostring(-1.5))
print(tostring("x"), tostring(1e100), tostring(2^63), tostring(-2^63), tostring(0/0 ~= 0/0))
print(type(tostring({})), tostring({}):match("^table: ") ~= nil)
print(tostring(print):match("^builtin: ") or tostring(print):match("^function: ") ~= nil)
print(pcall(tostring))
print(select("#", tostring(1, 2)))
