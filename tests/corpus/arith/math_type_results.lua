-- The type of each arithmetic result.
local function show(...)
  local out = {}
  for i = 1, select("#", ...) do out[#out + 1] = tostring(math.type((select(i, ...)))) end
  print(table.concat(out, " "))
end
show(1 + 1, 1 + 1.0, 2 * 3, 2 * 3.0, 6 / 3, 7 // 2, 7.0 // 2, 7 % 2, 7 % 2.0)
show(2 ^ 2, -1, -1.0, 1 << 2, 3 & 1.0, "10" + 1, "10" + 1.0, "1e1" + 0, "0x10" + 0)
show(math.floor(3.7), math.ceil(3.2), math.abs(-3), math.abs(-3.0), math.max(1, 2.0))
show(math.tointeger(3.0), math.tointeger(3.5), 1e15 // 1, #"abc")
