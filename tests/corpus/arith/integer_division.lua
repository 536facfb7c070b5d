-- Floor division on integers and floats, with every sign combination.
for _, a in ipairs({7, -7, 0, 6, -6}) do
  for _, b in ipairs({2, -2, 3, -3}) do
    io.write(a, "//", b, "=", a // b, " ")
  end
  print()
end
print(7.0 // 2, -7.0 // 2, 7 // 2.0, -7.5 // 2, 7.5 // -2)
print(1 // 0.0, -1 // 0.0, 0.0 // 0.0 ~= 0.0 // 0.0)
print(math.mininteger // -1, math.mininteger // 1)
print(3 // 0.5, math.type(3 // 1), math.type(3 // 1.0))
