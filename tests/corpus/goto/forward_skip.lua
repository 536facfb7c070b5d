-- goto forward skips statements.
local out = {}
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  out[#out + 1] = i
  ::continue::
end
print(table.concat(out, ","))
do
  goto done
  print("skipped")
  ::done::
end
print("after")
