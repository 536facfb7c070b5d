-- Escape sequences in short strings.
print("tab\tend", "new\\nline", "quote\"s", 'single\'s')
print("\65\066\0671", "\x41\x62", "\u{48}\u{49}", "\u{20AC}", #"\u{7FFFFFFF}")
print("a\z
       b", "\a\b\f\v" == "\7\8\12\11")
print(#"\0", #"a\0b", ("\0x"):byte(1, 2))
print("line1\
line2")
print("\"", '\'', "\\", "\r" == "\13")
