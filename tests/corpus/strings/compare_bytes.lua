-- String order is byte order (C locale), with embedded zeros and high bytes.
local list = {"b", "a", "\255", "A", "a\0", "a\0b", "", " ", "ab", "aB", "\128", "~"}
table.sort(list)
local out = {}
for i, s in ipairs(list) do out[i] = string.format("%q", s):gsub("\n", "n") end
print(table.concat(out, " "))
print("\255" > "a", "a\0" > "a", "a\0" < "a\1", "Z" < "a", "" < "\0")
