-- Limits of the compiler produce errors, not crashes.
local function locals(n)
  local names = {}
  for i = 1, n do names[i] = "a" .. i end
  return "local " .. table.concat(names, ", ") .. " = 1"
end
print(load(locals(200)) ~= nil)
print(load(locals(201)))
local function upvals(n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = "local u" .. i .. " = " .. i end
  local uses = {}
  for i = 1, n do uses[i] = "u" .. i end
  return table.concat(parts, "\n") .. "\nreturn function() return " .. table.concat(uses, " + ") .. " end"
end
print(load(upvals(150)) ~= nil)
local deep = string.rep("{", 150) .. string.rep("}", 150)
print(load("return " .. deep) ~= nil)
local many = {}
for i = 1, 300 do many[i] = "x" .. i end
print(load("return " .. table.concat(many, ",")))
print(select("#", load("return " .. table.concat(many, ",", 1, 200))()))
