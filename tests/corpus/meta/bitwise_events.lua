local mt = {}
local function V(x) return setmetatable({x = x}, mt) end
local function val(v) return type(v) == "table" and v.x or v end
for _, e in ipairs({"band", "bor", "bxor", "shl", "shr"}) do
  mt["__" .. e] = function(a, b) return e .. "(" .. tostring(val(a)) .. "," .. tostring(val(b)) .. ")" end
end
mt.__bnot = function(a, b) return "bnot(" .. val(a) .. "," .. tostring(val(b)) .. ")" end
local a = V(6)
print(a & 1, 1 | a, a ~ a, a << 2, 2 >> a, ~a)
-- Floats without integer values fall back to the metamethod too.
print(1.5 & a)
print(pcall(function() return 1.5 & 2 end))
