local a
::l::
local b
print(b)
b = 1
if not a then a = true goto l end
