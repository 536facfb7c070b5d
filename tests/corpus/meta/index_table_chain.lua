-- __index tables chain until a value or a table without __index.
local A = {a = "A.a"}
local B = setmetatable({b = "B.b"}, {__index = A})
local C = setmetatable({c = "C.c"}, {__index = B})
local obj = setmetatable({}, {__index = C})
print(obj.a, obj.b, obj.c, obj.d)
A.d = "late"
print(obj.d, rawget(obj, "d"))
obj.a = "own"
print(obj.a, A.a)
