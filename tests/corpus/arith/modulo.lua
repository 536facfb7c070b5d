-- Modulo takes the sign of the divisor, for integers and floats.
for _, a in ipairs({7, -7, 0, 5, -5}) do
  for _, b in ipairs({3, -3, 5}) do
    io.write(a, "%", b, "=", a % b, " ")
  end
  print()
end
print(5.5 % 2, -5.5 % 2, 5.5 % -2, -5.5 % -2)
print(5 % 2.5, 1 % math.huge, -1 % math.huge, 1 % -math.huge)
print(math.mininteger % -1, math.maxinteger % -1)
print(3 % -0.0 ~= 3 % -0.0, 0.0 % 1)
print(math.type(7 % 2), math.type(7 % 2.0))
