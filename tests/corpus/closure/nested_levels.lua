-- Upvalues of upvalues: three levels deep.
local function outer()
  local x = 1
  return function()
    local y = 10
    return function()
      x = x + 1; y = y + 1
      return x + y
    end
  end
end
local mid = outer()
local in1, in2 = mid(), mid()
print(in1(), in1(), in2(), in1())
