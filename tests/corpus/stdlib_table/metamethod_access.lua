-- table.unpack, table.move, table.remove and table.sort read and write
-- through __index/__newindex/__len, as lua5.4's lua_geti/lua_seti do.
local reads, writes = {}, {}
local backing = {10, 20, 30}
local proxy = setmetatable({}, {
  __index = function(_, i) reads[#reads + 1] = i return backing[i] end,
  __newindex = function(_, i, v) writes[#writes + 1] = i .. "=" .. tostring(v) backing[i] = v end,
  __len = function() return #backing end,
})
print(table.unpack(proxy))
print(table.concat(reads, ","))
reads = {}
local dest = table.move(proxy, 1, 3, 2)
print(dest == proxy, table.concat(writes, ","), table.concat(backing, ","))
writes = {}
print(table.remove(proxy), table.concat(writes, ","))
writes = {}
table.sort(proxy, function(a, b) return a > b end)
print(table.concat(backing, ","), #writes > 0)
local into = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 100) end})
table.move({1, 2, 3}, 1, 3, 1, into)
print(into[1], into[2], into[3])
