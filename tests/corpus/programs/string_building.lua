-- Building strings piecewise: table.concat, repeated .., string.rep, formatting.
local parts = {}
for i = 1, 1000 do parts[#parts + 1] = tostring(i) end
local s = table.concat(parts, ",")
print(#s, s:sub(1, 20), s:sub(-15))
local acc = ""
for i = 1, 200 do acc = acc .. string.char(65 + i % 26) end
print(#acc, acc:sub(1, 30))
local lines = {}
for i = 1, 5 do lines[i] = string.format("%-6s|%6.2f|%3d%%", "row" .. i, i / 3, i * 20) end
print(table.concat(lines, "\n"))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog the end"):gmatch("%a+") do
  words[w] = (words[w] or 0) + 1
end
local list = {}
for w, c in pairs(words) do list[#list + 1] = {w, c} end
table.sort(list, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
for i = 1, 4 do io.write(list[i][1], "=", list[i][2], " ") end print()
local csv = "name,age\nann,31\nbob,27\n"
for name, age in csv:gmatch("(%a+),(%d+)\n") do io.write(name:upper(), ":", age + 1, " ") end print()
print(("%s"):rep(3, "-"):format("a", "b", "c"))
