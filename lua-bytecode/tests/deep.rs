//! Long left-associative chains make ASTs as deep as the source is long;
//! luac accepts them, so compiling them must not overflow the Rust stack
//! (the test thread's stack is small, which makes this a real check).

use lua_bytecode::compile_source;

fn chain(head: &str, link: &str, tail: &str) -> Vec<u8> {
    let mut s = String::from(head);
    for _ in 0..100_000 {
        s.push_str(link);
    }
    s.push_str(tail);
    s.into_bytes()
}

#[test]
fn long_chains_compile() {
    let cases = [
        chain("x = 1", " + 1", ""),
        chain("x = a", ".b", ""),
        chain("x = f", "()", ""),
        chain("x = a", " and a", ""),
        chain("if a", " or a", " then end"),
        chain("while not (a", " and a", ") do end"),
    ];
    for src in &cases {
        let r = compile_source(src, "=deep");
        assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string()));
    }
}

/// `..` is right-associative: the parser recurses per operator and stops at
/// the nesting limit with luac5.4's message, before the compiler sees it.
#[test]
fn long_concat_chain_hits_the_nesting_limit() {
    let r = compile_source(&chain("x = s", " .. s", ""), "=deep");
    assert_eq!(
        r.err().map(|e| e.to_string()).as_deref(),
        Some("C stack overflow")
    );
}
