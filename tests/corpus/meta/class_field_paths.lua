-- Field reads and writes on objects with class metatables: a present key is
-- read and written raw, an absent one goes through __index / __newindex
-- (tables and functions, one and two levels), as lua5.4 does.
local log = {}
local Base = {}
Base.__index = Base
function Base.hello(self) return "base hello " .. tostring(self.name) end
local Derived = setmetatable({}, {__index = Base})
Derived.__index = Derived
function Derived.kind() return "derived" end

local o = setmetatable({name = "o"}, Derived)
print(o:kind(), o:hello(), o.missing)

-- __newindex only for absent keys
local seen = {}
local mt = {
  __index = function(t, k) seen[#seen + 1] = "get " .. tostring(k); return k .. "!" end,
  __newindex = function(t, k, v) seen[#seen + 1] = "set " .. tostring(k); rawset(t, k, v) end,
}
local p = setmetatable({}, mt)
p.a = 1          -- absent: __newindex
p.a = 2          -- present: raw
p[1] = "x"       -- absent: __newindex
p[1] = "y"       -- present: raw
print(p.a, p[1], p.b)
p.a = nil        -- present: raw (removes it)
p.a = 3          -- absent again: __newindex
print(p.a, table.concat(seen, ","))

-- the __index table is consulted for each miss, and changes are seen
local C = {v = 1}
local q = setmetatable({}, {__index = C})
local acc = 0
for i = 1, 5 do acc = acc + q.v; C.v = C.v + 1 end
print(acc, rawget(q, "v"))
q.v = 100        -- absent in q (present only in C): no __newindex here, raw set
print(q.v, C.v)

-- integer keys through a class table
local Arr = {10, 20, 30}
local r = setmetatable({}, {__index = Arr})
print(r[1], r[3], r[4])

-- metatable changes take effect at once
local A = {x = "A"}
local B = {x = "B"}
local s = setmetatable({}, {__index = A})
print(s.x)
getmetatable(s).__index = B
print(s.x)
setmetatable(s, {__index = function() return "f" end})
print(s.x)
