//! Fuzz target: any byte string either loads as a binary chunk or is
//! refused (`undump`); a panic or a stack overflow is a bug. A loaded
//! function must pass the verifier, its flat code must be well formed
//! (exactly `code_len` instructions, ending closed, jumps inside), and
//! dumping it again must load back to the same bytes.
//!
//! Seeds: `fuzz/seed_undump.sh` dumps every `.lua` file of the repository
//! into `fuzz/corpus/undump/`, with luna's `string.dump` and with
//! `luac5.4` (PUC-Rio's format, which `undump` translates).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lua_bytecode::Proto;

fn check(p: &Proto) {
    lua_bytecode::verify(p).expect("a loaded function fails the verifier");
    let code = &p.flat().code;
    assert_eq!(code.len(), p.code_len as usize);
    assert!(lua_bytecode::ends_closed(code));
    for op in code {
        if let Some(target) = op.jump_target() {
            assert!((target as usize) < code.len());
        }
    }
    for c in &p.protos {
        check(c);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = lua_bytecode::undump::undump_detailed(data) {
        check(&p);
        for strip in [false, true] {
            let d = lua_bytecode::dump(&p, strip);
            let q = lua_bytecode::undump::undump_detailed(&d).expect("a dump does not load");
            assert_eq!(lua_bytecode::dump(&q, strip), d);
        }
    }
});
