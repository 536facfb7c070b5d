-- string.dump writes PUC-Rio 5.4's header (official suite, calls.lua):
-- signature, version, format, LUAC_DATA, the sizes of an instruction,
-- an integer and a number, LUAC_INT and LUAC_NUM, then the main
-- function's upvalue count; a change to any header byte or a cut
-- anywhere makes load fail.
local header = string.pack("c4BBc6BBB", "\27Lua", 0x54, 0, "\x19\x93\r\n\x1a\n",
  4, string.packsize("j"), string.packsize("n"))
local function f(x) local a, b = 1, 3 return function() return a + b + x end end
for _, strip in ipairs({false, true}) do
  local c = string.dump(f, strip)
  print(strip, c:sub(1, #header) == header, string.unpack("jn", c, #header + 1))
  -- The upvalue count: none for f, one (_ENV) for a main chunk.
  print(c:byte(#header + 17), string.dump(load("return 1"), strip):byte(#header + 17))
  -- Changed header bytes (the first one makes it a text chunk).
  for i = 1, #header + 16 do
    local s = c:sub(1, i - 1) .. string.char((c:byte(i) + 1) % 256) .. c:sub(i + 1)
    local g, err = load(s, "=changed")
    print(i, g, err)
  end
  -- Every cut is a truncated chunk.
  local msgs = {}
  for i = 1, #c - 1 do
    local g, err = load(c:sub(1, i), "=cut")
    assert(g == nil)
    msgs[err] = (msgs[err] or 0) + 1
  end
  for m, n in pairs(msgs) do print(m, n == #c - 1) end
  print(load(c)(2)())
end
