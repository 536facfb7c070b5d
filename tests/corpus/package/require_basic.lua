-- require loads a module once, passes name and path, caches in package.loaded.
package.path = "./mods/?.lua;./mods/?/init.lua"
local c = require("counter")
print(type(c), c.next(), c.next(), c.args[1], c.args[2])
local again = require("counter")
print(again == c, package.loaded.counter == c, c.next())
local pkg, where = require("pkg")
print(pkg.name, pkg.arg1, where)
print(require("noreturn"), require("noreturn"), loaded_noreturn, package.loaded.noreturn)
print(select("#", require("counter")))
