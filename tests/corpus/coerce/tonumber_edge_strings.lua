local function t(s) local v = tonumber(s) return v == nil and "nil" or (math.type(v) .. ":" .. tostring(v)) end
for _, s in ipairs({"0x1p-1074", "1e-400", "  0x  ", "1e+", ".e1", "0x.p1", "1\0", "0x1P+4", "00012",
  "1_000", "١", "0b101", "1e309", "-0", "-0.0", "+.5", "5.e+2", "0xA.", "0x.A", "infinity"}) do
  io.write(t(s), " ")
end
print()
print(tonumber("10", 2.0), pcall(tonumber, "10", 2.5))
print(tonumber("  ff  ", 16), tonumber("f f", 16), tonumber("-0", 16), tonumber("", 36))
