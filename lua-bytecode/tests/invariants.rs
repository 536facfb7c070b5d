//! Structural invariants checked on every test program and on every other
//! `.lua` file of the repository:
//!
//! - the flat form puts each ordinary instruction at the pc the structured
//!   form recorded, and each condition leaf's test at its recorded pc;
//! - the side tables are indexed by those pcs (one line per instruction);
//! - no instruction names a register at or beyond `max_registers`;
//! - every jump target is inside the code;
//! - the verifier the binary-chunk loader runs accepts it
//!   (`lua_bytecode::verify`, which checks all of the above and more).

use std::path::Path;
use std::rc::Rc;

use lua_bytecode::{Block, Cond, Node, Op, Proto, compile_source};

mod common;

fn check_block(p: &Proto, b: &Block, flat: &[Op], errs: &mut Vec<String>) {
    for n in &b.nodes {
        match n {
            Node::Op { op, pc } => {
                if flat.get(*pc as usize) != Some(op) {
                    errs.push(format!(
                        "pc {pc}: structured {op:?} vs flat {:?}",
                        flat.get(*pc as usize)
                    ));
                }
            }
            Node::If(i) => {
                check_cond(p, &i.cond, flat, errs);
                check_block(p, &i.then_, flat, errs);
                check_block(p, &i.else_, flat, errs);
            }
            Node::While(w) => {
                check_cond(p, &w.cond, flat, errs);
                check_block(p, &w.body, flat, errs);
            }
            Node::Repeat(r) => {
                check_block(p, &r.body, flat, errs);
                check_cond(p, &r.cond, flat, errs);
            }
            Node::Loop(l) => check_block(p, &l.body, flat, errs),
            Node::NumericFor(f) => {
                if !matches!(flat.get(f.prep_pc as usize), Some(Op::ForPrep { .. })) {
                    errs.push(format!("prep pc {} is not ForPrep", f.prep_pc));
                }
                if !matches!(flat.get(f.loop_pc as usize), Some(Op::ForLoop { .. })) {
                    errs.push(format!("loop pc {} is not ForLoop", f.loop_pc));
                }
                check_block(p, &f.body, flat, errs);
            }
            Node::GenericFor(f) => {
                if !matches!(flat.get(f.prep_pc as usize), Some(Op::TForPrep { .. })) {
                    errs.push(format!("prep pc {} is not TForPrep", f.prep_pc));
                }
                if !matches!(flat.get(f.call_pc as usize), Some(Op::TForCall { .. })) {
                    errs.push(format!("call pc {} is not TForCall", f.call_pc));
                }
                if !matches!(flat.get(f.loop_pc as usize), Some(Op::TForLoop { .. })) {
                    errs.push(format!("loop pc {} is not TForLoop", f.loop_pc));
                }
                check_block(p, &f.body, flat, errs);
            }
            Node::Break { .. } | Node::Goto { .. } => {}
        }
    }
}

fn check_cond(p: &Proto, c: &Cond, flat: &[Op], errs: &mut Vec<String>) {
    match c {
        Cond::Leaf { pre, test, pc, .. } => {
            check_block(p, pre, flat, errs);
            match flat.get(*pc as usize) {
                Some(op) if op.as_cond_jump().is_some_and(|(t, ..)| t == *test) => {}
                other => errs.push(format!("leaf pc {pc}: {test:?} vs flat {other:?}")),
            }
        }
        Cond::And(a, b, _) | Cond::Or(a, b, _) => {
            check_cond(p, a, flat, errs);
            check_cond(p, b, flat, errs);
        }
    }
}

fn check_proto(p: &Rc<Proto>, errs: &mut Vec<String>) {
    let flat = &p.flat().code;
    let start = errs.len();
    if flat.len() != p.code_len as usize {
        errs.push(format!(
            "flat length {} vs code_len {}",
            flat.len(),
            p.code_len
        ));
    }
    if p.debug.lines.len() != flat.len() {
        errs.push(format!(
            "{} lines for {} instructions",
            p.debug.lines.len(),
            flat.len()
        ));
    }
    check_block(p, &p.code, flat, errs);
    for (pc, op) in flat.iter().enumerate() {
        if let Some(r) = op.max_register()
            && r >= p.max_registers as u32
        {
            errs.push(format!(
                "pc {pc}: {op:?} uses R{r} but max_registers is {}",
                p.max_registers
            ));
        }
        if let Some(t) = op.jump_target()
            && t as usize >= flat.len()
        {
            errs.push(format!("pc {pc}: jump to {t} outside the code"));
        }
    }
    for l in &p.debug.locals {
        if l.start_pc > l.end_pc || l.end_pc > p.code_len || l.reg as u32 >= p.max_registers as u32
        {
            errs.push(format!("bad local {l:?}"));
        }
    }
    if errs.len() > start {
        errs.insert(start, format!("function at line {}:", p.line_defined));
    }
    for c in &p.protos {
        check_proto(c, errs);
    }
}

#[test]
fn invariants_hold_on_every_lua_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    common::lua_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 40, "too few programs: {}", files.len());
    let mut failures = Vec::new();
    let mut compiled = 0;
    for f in &files {
        let src = std::fs::read(f).unwrap();
        // Files that are syntax errors on purpose (corpus cases) are skipped.
        let Ok(p) = compile_source(&src, &format!("@{}", f.display())) else {
            continue;
        };
        compiled += 1;
        let mut errs = Vec::new();
        check_proto(&p, &mut errs);
        if let Err(e) = lua_bytecode::verify(&p) {
            errs.push(format!("verify: {e}"));
        }
        if !errs.is_empty() {
            failures.push(format!("{}:\n  {}", f.display(), errs.join("\n  ")));
        }
    }
    assert!(compiled >= 40);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
