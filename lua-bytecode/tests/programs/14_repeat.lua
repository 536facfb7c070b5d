local i = 0
repeat
  local j = i * 2
  i = i + 1
until j >= 10
print(i)
repeat i = i - 1 until i == 0 or i < 0
print(i)
repeat i = i + 1; if i > 3 then break end until false
print(i)
