-- debug.getlocal / setlocal in nested blocks, varargs, temporaries;
-- getupvalue / setupvalue / upvalueid / upvaluejoin.
local function show(...) print(select("#", ...), ...) end
local function f(a, b, ...)
  local c = a + b
  do
    local d = c * 2
    show(debug.getlocal(1, 4))
  end
  local e = "e"
  for i = 1, 5 do
    local n, v = debug.getlocal(1, i)
    print(i, n, v)
  end
  show(debug.getlocal(1, -1))
  show(debug.getlocal(1, -2))
  show(debug.getlocal(1, -3))
  print(debug.setlocal(1, 3, 100), c)
  print(debug.setlocal(1, -1, "va"), ...)
  print(debug.setlocal(1, 50, 1))
end
f(1, 2, "x", "y")
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
print(debug.getlocal(print, 1))
print(pcall(debug.getlocal, 100, 1))
print(pcall(debug.setlocal, 100, 1, 1))
print(pcall(debug.getlocal, 1))
-- temporaries of natives and of Lua frames
print(select(2, debug.getlocal(0, 1)) == 0, debug.getlocal(0, 1))
local function g(x)
  return x, (debug.getlocal(2, 1))
end
print(g(1))

local a, b = 1, 2
local function h() return a + b end
local function k() return b end
print(debug.getupvalue(h, 1), debug.getupvalue(h, 2), debug.getupvalue(h, 3))
print(debug.setupvalue(h, 1, 10), h(), a)
print(debug.upvalueid(h, 2) == debug.upvalueid(k, 1), debug.upvalueid(h, 1) == debug.upvalueid(k, 1))
print(debug.upvalueid(h, 3), pcall(debug.upvalueid, h, "x"))
debug.upvaluejoin(h, 1, k, 1)
print(h(), debug.upvalueid(h, 1) == debug.upvalueid(k, 1))
print(pcall(debug.upvaluejoin, h, 5, k, 1))
print(pcall(debug.upvaluejoin, print, 1, k, 1))
print(pcall(debug.upvaluejoin, h, 1, print, 1))
print(type(debug.upvalueid(h, 1)))
local gm = string.gmatch("a", "a")
print(debug.getupvalue(gm, 1) == "", (debug.getupvalue(gm, 100)))
print(debug.getupvalue(print, 1))
-- the main chunk's _ENV
print((debug.getupvalue(debug.getinfo(1, "f").func, 1)))
