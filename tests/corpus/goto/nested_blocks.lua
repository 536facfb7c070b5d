-- goto out of nested blocks and loops.
for i = 1, 3 do
  for j = 1, 3 do
    if i * j == 4 then goto out end
    io.write(i, ":", j, " ")
  end
end
::out::
print()
local n = 0
while true do
  n = n + 1
  do
    do
      if n == 3 then goto finished end
    end
  end
end
::finished::
print(n)
