-- Huge argument and result counts: lua5.4's errors, not a crash.
local function try(name, f, ...)
  local r = table.pack(pcall(f, ...))
  if r[1] then
    print(name, true, r.n - 1)
  else
    print(name, false, (tostring(r[2]):gsub("^.-:%d+: ", "")))
  end
end

try("unpack 1e8", table.unpack, {}, 1, 1e8)
try("unpack maxint", table.unpack, {}, 1, math.maxinteger)
try("unpack minint..maxint", table.unpack, {}, math.mininteger, math.maxinteger)
try("unpack 1e5", table.unpack, {}, 1, 1e5)
try("select huge", select, 1e8, 1, 2, 3)
try("select -huge", select, -1e8, 1, 2, 3)
try("string.byte 1e6", string.byte, ("x"):rep(1e6), 1, -1)
try("string.char many", function() return string.char(table.unpack({}, 1, 200)) end)
try("table.move huge", table.move, {}, 1, math.maxinteger, 2)
try("table.move neg", table.move, {}, math.mininteger, -1, 1)
try("table.insert bad pos", table.insert, {}, 1e8, 1)
try("table.concat huge range", table.concat, {}, "", 1, 1e8)
try("utf8.char many", function() return utf8.char(table.unpack({}, 1, 1e5)) end)
try("string.rep neg", string.rep, "x", -1)
try("string.rep sep maxint", string.rep, "x", math.maxinteger, ",")
try("string.format width", string.format, "%099999d", 1)
try("string.format many", string.format, ("%d"):rep(1000), table.unpack({}, 1, 1000))
try("string.pack huge", string.pack, "i16", 1)
try("string.pack size", string.pack, "s17", "x")
try("string.packsize overflow", string.packsize, ("i16"):rep(1e6) .. "c" .. math.maxinteger)
try("varargs 1e6", function(...) return select("#", ...) end, table.unpack({}, 1, 1e6))
