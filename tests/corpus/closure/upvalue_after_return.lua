-- A captured variable outlives its block and keeps being shared.
local getters, setters = {}, {}
for i = 1, 2 do
  local x = i * 100
  getters[i] = function() return x end
  setters[i] = function(v) x = v end
end
setters[1](7)
print(getters[1](), getters[2]())
local function make()
  local a = 1
  local function f() return a end
  a = 2  -- assignment after capture is seen
  return f
end
print(make()())
