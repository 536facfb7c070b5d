-- What require stores: false, a value the module registered itself, and the
-- loader data (file name) as a second result.
package.path = "./mods/?.lua"
print(require("returns_false"), package.loaded.returns_false)
print(require("returns_false"))
local m, where = require("self_register")
print(m.self_registered, where, package.loaded.self_register == m)
print(select("#", require("self_register")))
