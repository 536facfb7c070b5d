-- _ENV as a local or upvalue changes global access.
local function with_env()
  local _ENV = {print = print}
  z = 1
  print(z, _ENV.z)
end
with_env()
print(z)
do
  local _ENV = {tostring = tostring, print = print}
  w = 2
  print(tostring(w))
end
print(w)
local function setenv_proxy()
  local store = {}
  local _ENV = setmetatable({}, {__index = _G, __newindex = function(t, k, v) rawset(store, k, v) end})
  newglobal = "stored"
  return store.newglobal, rawget(_G, "newglobal")
end
print(setenv_proxy())
