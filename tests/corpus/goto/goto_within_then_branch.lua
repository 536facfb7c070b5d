-- A goto whose label is in the same then-branch (the branch is only the
-- jump): it stays in the branch instead of leaving it.
local x = false
if x then ::l:: goto l end
if x then goto m ::m:: end
local n = 0
if true then goto m ::m:: end
if n == 0 then
  ::again::
  n = n + 1
  if n < 3 then goto again end
end
print("ok", n)
for i = 1, 3 do
  if i == 2 then goto skip ::skip:: end
  io.write(i, " ")
end
print()
