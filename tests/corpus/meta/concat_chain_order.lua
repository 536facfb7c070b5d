-- In a .. b .. c .. d the right-most concatenations happen first.
local log = {}
local mt = {__concat = function(a, b)
  local sa = type(a) == "table" and a.n or a
  local sb = type(b) == "table" and b.n or b
  log[#log + 1] = sa .. "|" .. sb
  return sa .. sb
end}
local t = setmetatable({n = "T"}, mt)
print("a" .. "b" .. t .. "c" .. "d")
print(table.concat(log, " "))
log = {}
print(t .. 1 .. 2)
print(table.concat(log, " "))
