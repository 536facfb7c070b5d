-- Data reachable only from upvalues, metatables and registry-like places survives collections.
local function make()
  local hidden = {value = "kept"}
  return function() return hidden.value end
end
local f = make()
local mt = {__index = {fromMeta = "meta kept"}}
local obj = setmetatable({}, mt)
mt = nil
for i = 1, 5 do collectgarbage() end
local big = {}
for i = 1, 1000 do big[i] = {i} end
collectgarbage()
print(f(), obj.fromMeta, big[1000][1], #big)
local s = string.rep("x", 10) .. "y"
collectgarbage()
print(s, #s)
