-- A label at the end of a block is after the locals' scope, so jumping there is allowed.
do
  goto e
  local x = 1
  print(x)
  ::e::
end
for i = 1, 2 do
  local y = i
  if y == 1 then goto skip end
  print("y", y)
  ::skip::
end
print("ok")
