-- A "strict" mode through _ENV's metatable: undeclared globals are errors.
local declared = {}
local function declare(name, value) declared[name] = true; rawset(_G, name, value) end
setmetatable(_G, {
  __newindex = function(t, k, v)
    if not declared[k] then error("assignment to undeclared global '" .. tostring(k) .. "'", 2) end
    rawset(t, k, v)
  end,
  __index = function(_, k) error("undeclared global '" .. tostring(k) .. "'", 2) end,
})
declare("config", {debug = false})
print(config.debug)
print(pcall(function() undeclared_var = 1 end))
print(pcall(function() return missing_global end))
declare("counter", 0)
counter = counter + 1
print(counter, rawget(_G, "counter"))
setmetatable(_G, nil)
print(type(anything_goes))
