//! No input may panic the parser: random token soups, random bytes and
//! mutations of valid programs either parse or give an error. Whatever
//! parses must also print (fully parenthesised) to text that parses again
//! and prints the same.

use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "and",
    "break",
    "do",
    "else",
    "elseif",
    "end",
    "false",
    "for",
    "function",
    "goto",
    "if",
    "in",
    "local",
    "nil",
    "not",
    "or",
    "repeat",
    "return",
    "then",
    "true",
    "until",
    "while",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "^",
    "#",
    "&",
    "~",
    "|",
    "<<",
    ">>",
    "==",
    "~=",
    "<=",
    ">=",
    "<",
    ">",
    "=",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "::",
    ";",
    ":",
    ",",
    ".",
    "..",
    "...",
    "x",
    "y",
    "self",
    "_ENV",
    "1",
    "0x1p4",
    "3.5e2",
    "9223372036854775808",
    "'s'",
    "\"\\z\"",
    "[[long]]",
    "[==[",
    "]==]",
    "--",
    "--[[",
    "]]",
    "\n",
    "\r",
    "<const>",
    "<close>",
    "<",
    "@",
    "$",
    "\\",
    "\"",
    "'",
    "0x",
    "1e",
    "\\u{",
    "\\x",
    "\u{e9}",
    "\0",
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0..TOKENS.len(), prop::bool::ANY), 0..60).prop_map(|v| {
        let mut out = Vec::new();
        for (i, space) in v {
            out.extend_from_slice(TOKENS[i].as_bytes());
            if space {
                out.push(b' ');
            }
        }
        out
    })
}

const PROGRAMS: &[&str] = &[
    "local t = {1, 2, x = 3, ['k'] = function(...) return ... end}\nfor i = 1, #t do t[i] = t[i] * 2 end",
    "local function f(a, b) if a then return b elseif b then return a else return nil end end",
    "while true do local x <const> = 1 goto next ::next:: break end repeat local y = 2 until y > 1",
    "function M.a.b:c(x, ...) local s = \"esc\\n\\x41\\u{20AC}\\z  \" .. [==[raw]]]==] return self, x end",
    "for k, v in pairs(_ENV) do print(k, v, 0x10, 1e3, .5, 3 // 2, 2^-1, ~1 & 3 | 4 ~ 5 << 1 >> 2) end",
    "#!/usr/bin/lua\nlocal a <close> = nil; do ::l:: end ::l:: return (a)",
];

fn roundtrip(src: &[u8]) {
    let arena = bumpalo::Bump::new();
    if let Ok(chunk) = lua_syntax::parse(&arena, src, "@p.lua") {
        let printed = lua_syntax::printer::chunk_to_string(&chunk);
        let arena2 = bumpalo::Bump::new();
        match lua_syntax::parse(&arena2, printed.as_bytes(), "=printed") {
            Err(e) => panic!(
                "printed form of {:?} does not parse: {e}\n{printed}",
                String::from_utf8_lossy(src)
            ),
            // Printing is a fixpoint from then on: the printer loses nothing
            // the parser reads back.
            Ok(again) => assert_eq!(lua_syntax::printer::chunk_to_string(&again), printed),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn token_soup(src in soup()) {
        roundtrip(&src);
        let arena = bumpalo::Bump::new();
        let _ = lua_syntax::parse_text(&arena, &src, "soup");
    }

    #[test]
    fn random_bytes(src in prop::collection::vec(any::<u8>(), 0..200)) {
        roundtrip(&src);
    }

    #[test]
    fn mutated_programs(
        which in 0..PROGRAMS.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>(), 0..TOKENS.len()), 1..6),
    ) {
        let mut v = PROGRAMS[which].as_bytes().to_vec();
        for (at, kind, byte, tok) in edits {
            let i = at.index(v.len() + 1);
            match kind {
                0 if i < v.len() => { v.remove(i); }
                1 => v.insert(i, byte),
                2 => { v.splice(i..i, TOKENS[tok].bytes()); }
                _ if i < v.len() => v[i] = byte,
                _ => {}
            }
        }
        roundtrip(&v);
    }

    #[test]
    fn numbers_never_panic(s in "[ \t0-9a-fA-FxXpP.+-]{0,30}") {
        let _ = lua_syntax::str_to_number(s.as_bytes());
    }
}

#[test]
fn valid_programs_roundtrip() {
    for p in PROGRAMS {
        let arena = bumpalo::Bump::new();
        lua_syntax::parse(&arena, p.as_bytes(), "@p.lua").unwrap_or_else(|e| panic!("{p}: {e}"));
        roundtrip(p.as_bytes());
    }
}
