-- debug.getinfo and debug.getlocal on Lua and C functions (fields whose values are stable).
local function f(a, b)
  local info = debug.getinfo(1, "Slnu")
  return info.short_src, info.currentline, info.linedefined, info.lastlinedefined, info.what, info.name, info.nparams, info.isvararg, info.nups
end
print(f(1, 2))
local p = debug.getinfo(print)
print(p.what, p.short_src, p.source, p.currentline, p.linedefined)
local m = debug.getinfo(1, "S")
print(m.what, m.source, m.short_src)
local function g(x, y) local z = x + y; return debug.getlocal(1, 1), debug.getlocal(1, 3) end
print(g(3, 4))
print(debug.getinfo(100), pcall(debug.getinfo, 1, ">"))
local v = select(2, pcall(debug.getinfo, {}))
print(type(v))
