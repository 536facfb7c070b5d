-- closures capture fresh loop variables, share upvalues, outlive frames
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
local gs = {}
local j = 0
while j < 3 do j = j + 1; local k = j * 10; gs[j] = function() k = k + 1; return k end end
print(gs[1](), gs[1](), gs[2](), gs[3]())
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get())
local function deep(a)
  return function(b)
    return function(c) return a + b + c end
  end
end
print(deep(1)(2)(3))
do
  local x = 1
  local function f() return x end
  x = 2
  print(f())
end
local t = {}
for _, v in ipairs({"a", "b"}) do t[#t + 1] = function() return v end end
print(t[1](), t[2]())
