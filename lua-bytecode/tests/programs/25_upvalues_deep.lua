local a = 1
local function f()
  local b = 2
  return function()
    local c = 3
    return function() a = a + 1; return a + b + c end
  end
end
print(f()()(), a)
