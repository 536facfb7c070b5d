-- error() levels across loaded chunks and nested calls.
local f = load("local function g() error('in g', 2) end return g", "=loaded")()
print(pcall(f))
print(pcall(function() f() end))
local h = load("return function() error('level 1') end", "@virtual.lua")()
print(pcall(h))
local function wrapper(...) return select(2, pcall(error, ...)) end
print(wrapper("plain", 1), wrapper("lvl2", 2), wrapper({}, 1) ~= nil)
