-- 255 upvalues is the limit of a function; 200 locals the limit of a scope.
local function chain(n)
  local src = {}
  for i = 1, n do src[#src + 1] = "local v" .. i .. " = " .. i end
  local uses = {}
  for i = 1, n do uses[#uses + 1] = "v" .. i end
  src[#src + 1] = "return function() return " .. table.concat(uses, " + ") .. " end"
  return table.concat(src, "\n")
end
print(load(chain(199))()())
local f, e = load("local a1" .. string.rep(", a", 10) .. "\n" .. chain(200))
print(f, e)
local many = {}
for i = 1, 256 do many[i] = "u" .. i end
local src = "local " .. table.concat(many, ", ", 1, 150) .. "\nlocal function g() return " .. table.concat(many, " or ", 1, 150) .. " end\nreturn g"
print(type(load(src)))
-- Upvalues collected from two enclosing functions: 300 is past the limit.
local function names(prefix, n) local t = {} for i = 1, n do t[i] = prefix .. i end return t end
local a, b = names("a", 150), names("b", 150)
local src2 = "local " .. table.concat(a, ", ") .. "\nreturn function()\nlocal " .. table.concat(b, ", ") ..
  "\nreturn function() return " .. table.concat(a, " or ") .. " or " .. table.concat(b, " or ") .. " end end"
print(load(src2))
local src3 = "local " .. table.concat(a, ", ") .. "\nreturn function()\nlocal " .. table.concat(b, ", ", 1, 100) ..
  "\nreturn function() return " .. table.concat(a, " or ") .. " or " .. table.concat(b, " or ", 1, 100) .. " end end"
print(type(load(src3)))
