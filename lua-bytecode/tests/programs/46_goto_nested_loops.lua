local i = 0
while true do
  i = i + 1
  repeat
    if i % 2 == 0 then goto continue end
    print("odd", i)
    ::continue::
  until true
  if i >= 5 then goto done end
end
::done::
print("done", i)
