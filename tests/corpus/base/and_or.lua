-- Short-circuit evaluation returns operands, not booleans.
local calls = {}
local function v(x) calls[#calls + 1] = tostring(x) return x end
print(v(1) and v(2), v(nil) and v(3), v(false) or v("d"), v(0) or v(4))
print(table.concat(calls, " "))
print(nil and nil, false and nil, nil or false, false or nil, 0 and "", "" or 1)
local t = {}
print(t.a and t.a.b, t.a or "default", (t.a or {}).b)
local x = 5
print(x > 3 and "big" or "small", x > 10 and "big" or "small", x > 3 and false or "fallback")
