local function outer()
  local a = 1
  local function mid()
    local b = a + 1
    local function inner() return a + b end
    return inner
  end
  return mid()
end
print(outer()())
