-- Two closures share an upvalue: proven by effects, not by addresses.
local function pair()
  local shared = {}
  return function(k, v) shared[k] = v end, function(k) return shared[k] end
end
local put, get = pair()
put("x", 1)
print(get("x"))
local put2, get2 = pair()
print(get2("x"))
