-- Pattern matching: find, gsub, gmatch.
local words = {}
for i = 1, 2000 do words[i] = "word" .. i .. " value=" .. (i * 3) end
local text = table.concat(words, "; ")
local count, sum = 0, 0
for rep = 1, 300 do
  for k, v in text:gmatch("(%a+%d+) value=(%d+)") do
    count = count + 1
    sum = sum + tonumber(v)
  end
  local r, n = text:gsub("value=(%d+)", "v%1")
  count = count + n
  local p = 1
  while true do
    local s, e = text:find("word1%d*", p)
    if not s then break end
    count = count + 1
    p = e + 1
  end
end
print(count, sum)
