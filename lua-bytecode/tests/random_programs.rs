//! Compiles a few thousand randomly generated programs (a small grammar
//! covering every statement and expression form, with deep nesting, many
//! locals and captured variables) and checks that compiling never panics and
//! the structural invariants of `tests/invariants.rs` hold: the flat form
//! puts every op at its recorded pc, and no op names a register at or beyond
//! `max_registers`; the verifier accepts them, and their binary chunks load
//! back to the same code.

use lua_bytecode::{Block, Cond, Node, Op, Proto, compile_source};

mod common;

fn check_block(b: &Block, flat: &[Op], errs: &mut Vec<String>) {
    for n in &b.nodes {
        match n {
            Node::Op { op, pc } => {
                if flat.get(*pc as usize) != Some(op) {
                    errs.push(format!("pc {pc}: {op:?} vs {:?}", flat.get(*pc as usize)));
                }
            }
            Node::If(i) => {
                check_cond(&i.cond, flat, errs);
                check_block(&i.then_, flat, errs);
                check_block(&i.else_, flat, errs);
            }
            Node::While(w) => {
                check_cond(&w.cond, flat, errs);
                check_block(&w.body, flat, errs);
            }
            Node::Repeat(r) => {
                check_block(&r.body, flat, errs);
                check_cond(&r.cond, flat, errs);
            }
            Node::Loop(l) => check_block(&l.body, flat, errs),
            Node::NumericFor(f) => check_block(&f.body, flat, errs),
            Node::GenericFor(f) => check_block(&f.body, flat, errs),
            Node::Break { .. } | Node::Goto { .. } => {}
        }
    }
}

fn check_cond(c: &Cond, flat: &[Op], errs: &mut Vec<String>) {
    match c {
        Cond::Leaf { pre, test, pc, .. } => {
            check_block(pre, flat, errs);
            match flat.get(*pc as usize) {
                Some(op) if op.as_cond_jump().is_some_and(|(t, ..)| t == *test) => {}
                other => errs.push(format!("leaf pc {pc}: {test:?} vs {other:?}")),
            }
        }
        Cond::And(a, b, _) | Cond::Or(a, b, _) => {
            check_cond(a, flat, errs);
            check_cond(b, flat, errs);
        }
    }
}

fn check(p: &Proto, errs: &mut Vec<String>) {
    let flat = &p.flat().code;
    if flat.len() != p.code_len as usize || p.debug.lines.len() != flat.len() {
        errs.push("length mismatch".into());
    }
    check_block(&p.code, flat, errs);
    for op in flat {
        if let Some(r) = op.max_register()
            && r >= p.max_registers as u32
        {
            errs.push(format!("{op:?} beyond {}", p.max_registers));
        }
    }
    for c in &p.protos {
        check(c, errs);
    }
}

#[test]
fn random_programs_compile_with_invariants() {
    let mut parsed = 0;
    for seed in 1..=1000u64 {
        let src = common::program(seed);
        match compile_source(src.as_bytes(), "=random") {
            Ok(p) => {
                parsed += 1;
                let mut errs = Vec::new();
                check(&p, &mut errs);
                if let Err(e) = lua_bytecode::verify(&p) {
                    errs.push(format!("verify: {e}"));
                }
                // A binary chunk of it loads back to the same code.
                let d = lua_bytecode::dump(&p, false);
                match lua_bytecode::undump(&d, "=random") {
                    Ok(q) => {
                        if q.flat().code != p.flat().code || lua_bytecode::dump(&q, false) != d {
                            errs.push("the loaded chunk differs".into());
                        }
                    }
                    Err(e) => errs.push(format!("undump: {e}")),
                }
                assert!(errs.is_empty(), "seed {seed}:\n{src}\n{}", errs.join("\n"));
            }
            Err(e) => {
                if std::env::var("SHOW_ERRORS").is_ok() {
                    eprintln!("ERR {}", e.message);
                }
                // Only errors the grammar can legitimately produce.
                assert!(
                    e.message.contains("goto")
                        || e.message.contains("label")
                        || e.message.contains("const")
                        || e.message.contains("close")
                        || e.message.contains("registers")
                        || e.message.contains("'...'"),
                    "seed {seed}: {}\n{src}",
                    e.message
                );
            }
        }
    }
    assert!(parsed > 500, "only {parsed} programs parsed");
}
