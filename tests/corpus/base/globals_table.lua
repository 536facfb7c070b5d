-- _G, _VERSION and global access.
print(_G._G == _G, _VERSION, type(_G))
x = 1
print(_G.x, rawget(_G, "x"))
_G.y = 2
print(y)
print(_G["print"] == print)
local names = {}
for _, n in ipairs({"assert", "collectgarbage", "dofile", "error", "getmetatable", "ipairs", "load",
  "loadfile", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "require",
  "select", "setmetatable", "tonumber", "tostring", "type", "xpcall", "warn"}) do
  names[#names + 1] = n .. "=" .. type(_G[n])
end
print(table.concat(names, " "))
local libs = {}
for _, n in ipairs({"string", "table", "math", "io", "os", "coroutine", "utf8", "debug", "package"}) do
  libs[#libs + 1] = n .. "=" .. type(_G[n])
end
print(table.concat(libs, " "))
