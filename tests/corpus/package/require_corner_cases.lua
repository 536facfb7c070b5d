-- require/searchers corner cases: bad package.path/searchers values, searchers
-- returning odd values, searchers called directly, preload arguments.
package.path = "./mods/?.lua;./mods/?/init.lua"
package.cpath = "./mods/?.so"
print(pcall(require, 42))
print(select(2, pcall(require)))
package.path = 42 print(pcall(require, "zz"))
package.path = {} print(pcall(require, "zz"))
package.path = "./mods/?.lua"
local s = package.searchers
package.searchers = nil print(pcall(require, "zz2"))
package.searchers = s
print(pcall(package.searchpath, "a"))
s[5] = function() return 42 end
s[6] = function() return nil end
s[7] = function() return false, "ignored" end
print(pcall(require, "zz3"))
s[5], s[6], s[7] = nil, nil, nil
print(s[1]("nonexistent"))
print(select("#", s[2]("counter")), select(2, s[2]("counter")))
print(s[3]("counter"))
print(s[4]("counter"), s[4]("counter.x"))
package.preload.pl = function(...) return select("#", ...), ... end
print(require("pl"))
print(package.loaded.pl)
package.preload.nilmod = function() return nil end
print(require("nilmod"), package.loaded.nilmod)
package.preload.setself = function(name) package.loaded[name] = "self-set" end
print(require("setself"))
package.preload.falsemod = function() return false end
print(require("falsemod"), package.loaded.falsemod)
print(require("falsemod"))
print(pcall(require, "broken"))
print(package.searchpath("x", ""), package.searchpath("x", ";"))
print(package.searchpath("a.b.c", "?", "", "/"), package.searchpath("a..b", "?/?", "..", "#"))
