package.path = ""
package.cpath = ""
package.preload.virtual = function(name, extra) return {name = name, extra = extra} end
local v = require("virtual")
print(v.name, v.extra)
print(#package.searchers, type(package.searchers[1]))
table.insert(package.searchers, 2, function(name)
  if name:match("^gen%.") then
    return function(n, x) return "generated " .. n .. " " .. x end, "from-searcher"
  end
  return "\n\tno generator for '" .. name .. "'"
end)
print(require("gen.thing"))
print(select(2, pcall(require, "other")))
package.loaded.manual = "preset"
print(require("manual"))
