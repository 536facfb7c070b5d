-- A numeral starting with '.' is read as llex.c reads it: the digit after
-- the dot is the numeral's first character, so ".0x" goes on as a
-- hexadecimal numeral and the whole run is shown in the message.
-- (Found by tests/difftest: luna stopped at ".0x".)
for _, src in ipairs({
  "return .0x..", "return .0x1p4", "return .0xep-", "return .0X.", "return .0x",
  "return .5..1", "return .5e", "return .9z", "return ..5", "return .0xg",
}) do
  local f, e = load(src, "=src")
  print(src, f and "compiled" or e)
end
print(.5, .5e1, .0e-2, 3 .. .5)
