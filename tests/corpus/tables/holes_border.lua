-- Border with an explicit trailing nil in a constructor: lua5.4's answer.
local t = {1, 2, nil}
print(#t)
local u = {nil, nil, 3}
print(#u)
local v = {}
v[1] = 1; v[2] = 2; v[4] = 4
print(#v == 2 or #v == 4)
