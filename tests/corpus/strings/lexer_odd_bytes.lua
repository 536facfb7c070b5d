-- Odd bytes in source text given to load: NUL, lone CR, form feed, vertical
-- tab, non-ASCII letters, long names.
local function try(src)
  local f, e = load(src, "=src")
  if f then print("ok", f()) else print("error", e) end
end
try("return '\0' == '\\0'")
try("return 1\0")
try("local a = 1\rlocal b = 2\rreturn a + b")
try("return\f1\v+\t2")
try("return café")
try("local " .. string.rep("n", 300) .. " = 5 return " .. string.rep("n", 300))
try("return 0x1g")
try("return 1..2")
try("return \"\\z\n\n   x\"")
try("x = \"a\rb\"")
try("return [[a\rb]] == 'a\\nb', [[a\r\nb]] == 'a\\nb', [[a\n\rb]] == 'a\\nb'")
try("return '\\x4A\\u{4A}\\74'")
try("-- comment only")
try("\239\187\191return 'bom'")
