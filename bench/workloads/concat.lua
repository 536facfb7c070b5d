-- String concatenation with .. and table.concat.
local total = 0
for rep = 1, 60 do
  local s = ""
  for i = 1, 2000 do s = s .. (i % 10) end
  total = total + #s
  local parts = {}
  for i = 1, 20000 do parts[#parts + 1] = tostring(i) end
  total = total + #table.concat(parts, ",")
end
print(total)
