-- goto backward builds a loop.
local i = 1
local acc = {}
::again::
acc[#acc + 1] = i
i = i + 1
if i <= 5 then goto again end
print(table.concat(acc, " "))
