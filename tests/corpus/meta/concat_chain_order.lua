-- In a .. b .. c the right-most concatenation happens first; __concat sees
-- the partial results. (lua5.4.4 mishandles `"a" .. "b" .. t`, where a
-- string pair sits left of a metamethod call; that shape is left out.)
local log = {}
local mt = {__concat = function(a, b)
  local sa = type(a) == "table" and a.n or a
  local sb = type(b) == "table" and b.n or b
  log[#log + 1] = sa .. "|" .. sb
  return sa .. sb
end}
local t = setmetatable({n = "T"}, mt)
local function show(v) print(v, table.concat(log, " ")) log = {} end
show(t .. "c" .. "d")
show("a" .. t)
show(t .. 1 .. 2)
show(t .. t)
show(1 .. t .. 2)
show(t .. 2.5)
