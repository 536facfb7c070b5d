-- varargs, multiple results, select
local function pack(...) return {n = select("#", ...), ...} end
local function ret3() return 1, 2, 3 end
print(ret3())
print((ret3()))
print(ret3(), "x")
local t = pack(ret3())
print(t.n, t[1], t[3])
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select("#"))
print(select("#", nil, nil))
local function va(...)
  local a, b = ...
  return a, b, select("#", ...)
end
print(va(1))
print(va(1, 2, 3))
local function tail(...) return select("#", ...), ... end
print(tail(nil, nil, 3))
print(pcall(select, 0, 1))
local function many() local r = {} for i = 1, 250 do r[i] = i end return table_unpack and 0 or #r end
print(many())
print(({ret3(), ret3()})[4])
