local function f(a, b, c)
  if (a and b) or (not c and a ~= b) then return "yes" end
  if a == nil or b == nil and c then return "nil" end
  return "no"
end
print(f(1, 2, 3), f(nil, 2, false), f(1, nil, true), f(false, false, false))
