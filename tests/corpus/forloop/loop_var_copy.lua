-- The control variable is a copy: changing it does not change the iteration.
local seen = {}
for i = 1, 5 do
  seen[#seen + 1] = i
  i = i + 10
end
print(table.concat(seen, ","))
for k, v in ipairs({10, 20}) do k = "changed"; io.write(k, v, " ") end print()
