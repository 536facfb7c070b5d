-- A backward goto to before a local declaration makes a fresh variable each time.
local fs = {}
local i = 1
::top::
local x = i
fs[i] = function() return x end
i = i + 1
if i <= 3 then goto top end
print(fs[1](), fs[2](), fs[3]())
