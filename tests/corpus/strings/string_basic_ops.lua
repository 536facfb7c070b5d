-- Length, concatenation, comparison of byte strings.
local s = "hello"
print(#s, s .. " world", s == "hel" .. "lo", s < "help", s > "hell")
print(#"", "" == "", ("x"):rep(0) == "")
local bin = "\0\1\2\255"
print(#bin, bin:byte(1, -1))
print(("abc"):upper(), ("ABC"):lower(), ("abc"):reverse(), ("abc"):len())
print(("%5s|%-5s|"):format("ab", "cd"))
