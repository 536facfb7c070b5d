-- \u{...} escapes up to 2^31, surrogates included, and utf8 checks on them.
print(#"\u{0}", #"\u{7F}", #"\u{80}", #"\u{7FF}", #"\u{800}", #"\u{FFFF}", #"\u{10000}", #"\u{10FFFF}", #"\u{7FFFFFFF}")
print(("\u{D800}"):byte(1, -1))
print(utf8.len("\u{D800}"), utf8.len("\u{D800}", 1, -1, true))
print(pcall(utf8.codepoint, "\u{D800}"), utf8.codepoint("\u{D800}", 1, 1, true))
print(utf8.char(0xD800) == "\u{D800}", utf8.char(0x7FFFFFFF) == "\u{7FFFFFFF}")
print(utf8.len("\xF4\x90\x80\x80"), utf8.len("\xF4\x90\x80\x80", 1, -1, true))
