-- every metamethod event
local V = {}
V.__index = V
V.__add = function(a, b) return "add" end
V.__sub = function(a, b) return "sub" end
V.__mul = function(a, b) return "mul" end
V.__div = function(a, b) return "div" end
V.__mod = function(a, b) return "mod" end
V.__pow = function(a, b) return "pow" end
V.__idiv = function(a, b) return "idiv" end
V.__band = function(a, b) return "band" end
V.__bor = function(a, b) return "bor" end
V.__bxor = function(a, b) return "bxor" end
V.__shl = function(a, b) return "shl" end
V.__shr = function(a, b) return "shr" end
V.__unm = function(a) return "unm" end
V.__bnot = function(a) return "bnot" end
V.__concat = function(a, b) return "concat" end
V.__len = function(a) return 42 end
V.__eq = function(a, b) return true end
V.__lt = function(a, b) return true end
V.__le = function(a, b) return false end
V.__call = function(self, x) return "called", x end
V.__tostring = function() return "V!" end
local a, b = setmetatable({}, V), setmetatable({}, V)
print(a + 1, 1 - a, a * a, a / 2, a % 2, a ^ 2, a // 2)
print(a & 1, a | 1, a ~ 1, a << 1, a >> 1, -a, ~a)
print(a .. "x", "x" .. a, #a, a == b, a < b, a <= b, a > b)
print(a(7))
print(tostring(a), a)
local base = {greet = function(self) return "hi " .. self.name end}
local obj = setmetatable({name = "obj"}, {__index = base})
print(obj:greet(), rawget(obj, "greet"))
local log = {}
local p = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end})
p.x = 1; p.x = 2; p.y = 3
print(#log, log[1], log[2], p.x)
local chain = setmetatable({}, {__index = setmetatable({}, {__index = function(t, k) return k .. "!" end})})
print(chain.foo)
print(getmetatable(setmetatable({}, {__metatable = "locked"})))
print(pcall(setmetatable, setmetatable({}, {__metatable = 1}), {}))
local named = setmetatable({}, {__name = "MyType"})
print(pcall(function() return named + 1 end))
do
  local order = {}
  do
    local x <close> = setmetatable({}, {__close = function() order[#order + 1] = "x" end})
    local y <close> = setmetatable({}, {__close = function() order[#order + 1] = "y" end})
  end
  print(order[1], order[2])
end
local loop = setmetatable({}, {})
getmetatable(loop).__index = loop
print(pcall(function() return loop.x end))
