//! Fuzz target: any byte string either parses or yields a `SyntaxError`;
//! a panic or a stack overflow is a bug. Parsed chunks are also printed
//! and re-parsed, and numerals converted, to cover those paths.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let arena = bumpalo::Bump::new();
    if let Ok(chunk) = lua_syntax::parse(&arena, data, "@fuzz.lua") {
        let printed = lua_syntax::printer::chunk_to_string(&chunk);
        let arena2 = bumpalo::Bump::new();
        assert!(lua_syntax::parse(&arena2, printed.as_bytes(), "=printed").is_ok());
    }
    let _ = lua_syntax::parse_text(&arena, data, "fuzz");
    let _ = lua_syntax::str_to_number(data);
});
