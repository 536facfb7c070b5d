//! Binary chunks: `dump` then `undump` gives the same function back (every
//! `.lua` file of the repository, stripped or not), and no byte string
//! makes `undump` panic: every prefix of a dump is a "truncated chunk",
//! every single-byte change of a dump is an error or a function that passes
//! the verifier (and whose flat code is well formed).

use std::path::Path;
use std::rc::Rc;

use lua_bytecode::undump::{Why, undump_detailed};
use lua_bytecode::{Proto, compile_source, dump, ends_closed, undump, verify};

mod common;

/// Every repository file that compiles, with its prototype.
fn compiled_files() -> Vec<(String, Rc<Proto>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    common::lua_files(&root, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in &files {
        let src = std::fs::read(f).unwrap();
        if let Ok(p) = compile_source(&src, &format!("@{}", f.display())) {
            out.push((f.display().to_string(), p));
        }
    }
    assert!(out.len() >= 40, "too few programs: {}", out.len());
    out
}

fn same(a: &Proto, b: &Proto, what: &str) {
    assert_eq!(a.source, b.source, "{what}");
    assert_eq!(a.line_defined, b.line_defined, "{what}");
    assert_eq!(a.last_line_defined, b.last_line_defined, "{what}");
    assert_eq!(a.num_params, b.num_params, "{what}");
    assert_eq!(a.is_vararg, b.is_vararg, "{what}");
    assert_eq!(a.max_registers, b.max_registers, "{what}");
    assert_eq!(a.needs_close, b.needs_close, "{what}");
    assert_eq!(a.code_len, b.code_len, "{what}");
    assert!(a.code == b.code, "{what}: code differs");
    assert_eq!(a.constants.len(), b.constants.len(), "{what}");
    for (x, y) in a.constants.iter().zip(&b.constants) {
        // Bit for bit (NaN, -0.0).
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "{what}");
        if let (lua_bytecode::Constant::Float(x), lua_bytecode::Constant::Float(y)) = (x, y) {
            assert_eq!(x.to_bits(), y.to_bits(), "{what}");
        }
    }
    assert_eq!(a.upvalues, b.upvalues, "{what}");
    assert_eq!(a.debug, b.debug, "{what}");
    assert_eq!(a.flat().code, b.flat().code, "{what}");
    assert_eq!(a.protos.len(), b.protos.len(), "{what}");
    for (x, y) in a.protos.iter().zip(&b.protos) {
        same(x, y, what);
    }
}

/// Checks what a stripped dump keeps and drops, in every function.
fn stripped(p: &Proto, q: &Proto, what: &str) {
    assert_eq!(&*q.source, "=?", "{what}");
    assert!(q.debug.lines.is_empty(), "{what}");
    assert!(q.debug.locals.is_empty(), "{what}");
    assert!(q.upvalues.iter().all(|u| u.name.is_empty()), "{what}");
    assert!(p.code == q.code, "{what}: code differs");
    assert_eq!(p.line_defined, q.line_defined, "{what}");
    for (x, y) in p.protos.iter().zip(&q.protos) {
        stripped(x, y, what);
    }
}

#[test]
fn every_file_round_trips() {
    for (name, p) in compiled_files() {
        let d = dump(&p, false);
        let q = undump_detailed(&d).unwrap_or_else(|e| panic!("{name}: {e}"));
        same(&p, &q, &name);
        assert_eq!(dump(&q, false), d, "{name}: dumps differ");

        let s = dump(&p, true);
        assert!(s.len() < d.len(), "{name}");
        let q = undump_detailed(&s).unwrap_or_else(|e| panic!("{name} stripped: {e}"));
        stripped(&p, &q, &name);
        assert_eq!(dump(&q, true), s, "{name}: stripping twice differs");
    }
}

#[test]
fn header_errors_use_lua54_words() {
    let d = dump(&compile_source(b"return 1", "=t").unwrap(), false);
    let why = |b: &[u8]| undump_detailed(b).err().map(|e| e.why);
    assert_eq!(why(b""), Some(Why::Truncated));
    assert_eq!(why(b"\x1b"), Some(Why::Truncated));
    assert_eq!(why(b"\x1bLu"), Some(Why::Truncated));
    assert_eq!(why(b"\x1bLxa"), Some(Why::NotBinary));
    assert_eq!(why(b"return"), Some(Why::NotBinary));
    assert_eq!(why(b"\x1bLua\x53\x00"), Some(Why::Version));
    assert_eq!(why(b"\x1bLua\x54\x01"), Some(Why::Format));
    // The header is PUC's: each of its fields has lua5.4's word.
    let header = lua_bytecode::dump::puc_header();
    assert_eq!(d[..header.len()], header[..]);
    for (at, want) in [
        (8, Why::Corrupted), // LUAC_DATA, as a text-mode copy would change it
        (12, Why::InstructionSize),
        (13, Why::IntegerSize),
        (14, Why::NumberSize),
        (15, Why::IntegerFormat),
        (30, Why::FloatFormat),
        (31, Why::Corrupted), // the main function's upvalue count
    ] {
        let mut bad = d.clone();
        bad[at] ^= 0x0a;
        assert_eq!(why(&bad), Some(want), "byte {at}");
    }
    // luna's body: the marker, the tag, the revision.
    let luna = lua_bytecode::dump::header(1);
    assert_eq!(d[..luna.len()], luna[..]);
    let mut bad = d.clone();
    bad[luna.len() - 2] += 1; // the tag
    assert_eq!(why(&bad), Some(Why::Format));
    let mut bad = d.clone();
    bad[luna.len() - 1] += 1; // the revision
    assert_eq!(why(&bad), Some(Why::Format));
    // A marker cut short is a PUC body whose source size lua5.4 reads
    // as too large.
    let mut bad = d.clone();
    bad.remove(header.len() + 1);
    assert_eq!(why(&bad), Some(Why::Overflow));
    assert_eq!(why(&d), None);
    // Trailing bytes are ignored, as lua5.4 does.
    let mut more = d.clone();
    more.extend_from_slice(b"xyz");
    assert_eq!(why(&more), None);

    let msg = |b: &[u8], name: &str| undump(b, name).err();
    let t = &d[..d.len() - 1];
    let m = |name: &str| format!("{name}: bad binary format (truncated chunk)");
    assert_eq!(msg(t, "=stdin"), Some(m("stdin")));
    assert_eq!(msg(t, "@file.lua"), Some(m("file.lua")));
    assert_eq!(msg(t, "plain"), Some(m("plain")));
    assert_eq!(
        msg(t, std::str::from_utf8(t).unwrap_or("\x1bLua")),
        Some(m("binary string"))
    );
}

/// A sample of `n` positions out of `len` (all of them when `len <= n`).
fn positions(len: usize, n: usize) -> Vec<usize> {
    if len <= n {
        (0..len).collect()
    } else {
        (0..n).map(|i| i * len / n).collect()
    }
}

/// The loaded function is safe to run: its flat code is well formed (the
/// verifier checked the rest).
fn check_loaded(p: &Proto) {
    verify(p).unwrap();
    let code = &p.flat().code;
    assert_eq!(code.len(), p.code_len as usize);
    assert!(ends_closed(code));
    for c in &p.protos {
        check_loaded(c);
    }
}

#[test]
fn prefixes_are_truncated_chunks() {
    let files = compiled_files();
    let mut checked = 0;
    for (name, p) in files.iter().step_by(4) {
        for strip in [false, true] {
            let d = dump(p, strip);
            for cut in positions(d.len(), 300) {
                if cut == 0 {
                    continue;
                }
                let r = undump_detailed(&d[..cut]);
                assert_eq!(
                    r.as_ref().err().map(|e| e.why),
                    Some(Why::Truncated),
                    "{name}: prefix of {cut} bytes of {}: {:?}",
                    d.len(),
                    r.err()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn single_byte_changes_never_panic() {
    let files = compiled_files();
    let (mut loaded, mut refused) = (0, 0);
    for (name, p) in files.iter().step_by(3) {
        for strip in [false, true] {
            let d = dump(p, strip);
            for at in positions(d.len(), 200) {
                for change in [0x01u8, 0x80, 0xff, 0x10] {
                    let mut m = d.clone();
                    m[at] ^= change;
                    for b in [m.clone(), {
                        m[at] = change;
                        m
                    }] {
                        match undump_detailed(&b) {
                            Ok(q) => {
                                check_loaded(&q);
                                loaded += 1;
                            }
                            Err(e) => {
                                assert!(!e.detail.is_empty(), "{name}");
                                refused += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        loaded > 1000 && refused > 1000,
        "{loaded} loaded, {refused} refused"
    );
}

/// Deeply nested code and functions within the parser's limits round-trip;
/// chunks nested beyond the loader's limits are refused, not a stack
/// overflow.
#[test]
fn nesting_limits() {
    let mut src = String::new();
    for _ in 0..90 {
        src.push_str("local f = function() ");
    }
    for _ in 0..90 {
        src.push_str("end ");
    }
    let mut deep = String::new();
    for _ in 0..150 {
        deep.push_str("while x do ");
    }
    for _ in 0..150 {
        deep.push_str("end ");
    }
    let cond = format!(
        "if {} then end",
        "(a or ".repeat(60) + "b" + &")".repeat(60)
    );
    for s in [src, deep, cond] {
        let p = compile_source(s.as_bytes(), "=deep").unwrap();
        verify(&p).unwrap();
        let d = dump(&p, false);
        let q = undump_detailed(&d).unwrap();
        same(&p, &q, "deep");
    }

    // Hand-made: `n` nested endless loops, the innermost one's body a
    // `break` out of all of them, then a return. Up to the nesting limit
    // it loads (and flattens without overflowing this thread's stack).
    let uvar = |out: &mut Vec<u8>, mut v: u64| {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    };
    let loops = |n: u64| {
        let mut b = lua_bytecode::dump::header(0);
        // source absent, lines 0 0, no params, no flags, 2 registers.
        b.extend_from_slice(&[0, 0, 0, 0, 0, 2]);
        uvar(&mut b, n + 2); // code_len
        b.extend_from_slice(&[0, 0, 0]); // constants, upvalues, functions
        b.push(2); // the body: the loops and a return
        for _ in 0..n {
            b.extend_from_slice(&[4, 1]); // a loop whose body has one node
        }
        b.push(7); // break
        uvar(&mut b, n);
        b.push(0); // at pc 0
        for d in 1..=n {
            uvar(&mut b, d); // each loop's back jump, the innermost first
        }
        b.extend_from_slice(&[0, 55]); // Return0
        uvar(&mut b, n + 1);
        b.extend_from_slice(&[0, 0, 0]); // no lines, locals, names
        b
    };
    let deepest = lua_bytecode::verify::MAX_NESTING as u64 - 1;
    let p = undump_detailed(&loops(deepest)).unwrap();
    check_loaded(&p);
    assert!(
        matches!(p.flat().code[0], lua_bytecode::Op::Jmp { target } if target as u64 == deepest + 1)
    );
    let e = undump_detailed(&loops(deepest + 1)).unwrap_err();
    assert_eq!(e.why, Why::Corrupted, "{e}");

    // A block nested far beyond any compiled code (each level a `loop`
    // node whose body holds the next one), cut short.
    let n = 100_000;
    let mut b = lua_bytecode::dump::header(0);
    // source absent, lines 0 0, params 0, flags 0, 2 registers, code_len 1,
    // no constants, upvalues or functions.
    b.extend_from_slice(&[0, 0, 0, 0, 0, 2, 1, 0, 0, 0]);
    for _ in 0..n {
        b.extend_from_slice(&[1, 4]); // one node: a loop
    }
    let e = undump_detailed(&b).unwrap_err();
    assert_eq!(e.why, Why::Corrupted, "{e}");

    // Functions nested beyond the limit.
    let mut b = lua_bytecode::dump::header(0);
    for _ in 0..n {
        // source, lines, params, flags, registers, code_len, 0 constants,
        // 0 upvalues, 1 function.
        b.extend_from_slice(&[0, 0, 0, 0, 0, 2, 1, 0, 0, 1]);
    }
    let e = undump_detailed(&b).unwrap_err();
    assert_eq!(e.why, Why::Corrupted, "{e}");
}
