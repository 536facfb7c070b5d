x = 1
local function f()
  local _ENV = {print = print, x = 2}
  print(x)
  do local _ENV = {print = print, x = 3}; print(x) end
  print(x)
end
f()
print(x)
local function g() local _ENV <const> = {print = print, x = 4}; print(x) end
g()
print(x)
