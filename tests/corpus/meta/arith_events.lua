-- Every arithmetic event with the operand order the events receive.
local mt = {}
local function V(x) return setmetatable({x = x}, mt) end
local function val(v) return type(v) == "table" and v.x or v end
for _, e in ipairs({"add", "sub", "mul", "div", "mod", "pow", "idiv"}) do
  mt["__" .. e] = function(a, b) return e .. "(" .. tostring(val(a)) .. "," .. tostring(val(b)) .. ")" end
end
local a, b = V(1), V(2)
print(a + b, a - 3, 3 * a, a / b, 5 % b, a ^ 2, 7 // a)
print("10" + a, a + "x")
