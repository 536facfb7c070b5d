package.path = "./mods/?.lua;./nowhere/?.lua"
package.cpath = ""
print(pcall(require, "missing.module"))
print(select(2, pcall(require, "broken")):gsub("\n.*", ""))
print(pcall(require, "fails"))
print(package.loaded.fails, package.loaded.broken)
print(pcall(require))
