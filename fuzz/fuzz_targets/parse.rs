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
        // The printed form parenthesises every operation, so a long chain
        // (`1 + 1 + ...`) prints as deep nesting that may exceed the limit.
        if let Err(e) = lua_syntax::parse(&arena2, printed.as_bytes(), "=printed") {
            assert_eq!(e.message, "C stack overflow", "printed form does not parse");
        }
    }
    let _ = lua_syntax::parse_text(&arena, data, "fuzz");
    let _ = lua_syntax::str_to_number(data);
});
