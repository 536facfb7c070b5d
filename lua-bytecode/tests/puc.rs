//! PUC-Rio 5.4 binary chunks, assembled by hand (an `ldump.c` in
//! miniature), loaded by translation: what each PUC construct becomes,
//! the debug information carried over, and what is refused (as a
//! "corrupted chunk", or with lua5.4's own words for format errors).

use lua_bytecode::undump::{UndumpError, Why, undump_detailed};
use lua_bytecode::{Constant, NameKind, Node, Op, Proto, Test, verify};

// Opcodes (lopcodes.h).
const MOVE: u32 = 0;
const LOADI: u32 = 1;
const LOADK: u32 = 3;
const LOADKX: u32 = 4;
const LFALSESKIP: u32 = 6;
const LOADTRUE: u32 = 7;
const GETUPVAL: u32 = 9;
const GETTABUP: u32 = 11;
const GETFIELD: u32 = 14;
const SELF: u32 = 20;
const ADDI: u32 = 21;
const ADDK: u32 = 22;
const SHRI: u32 = 32;
const SHLI: u32 = 33;
const ADD: u32 = 34;
const MMBIN: u32 = 46;
const MMBINI: u32 = 47;
const MMBINK: u32 = 48;
const JMP: u32 = 56;
const EQI: u32 = 61;
const LTI: u32 = 62;
const GTI: u32 = 64;
const TEST: u32 = 66;
const TESTSET: u32 = 67;
const CALL: u32 = 68;
const TAILCALL: u32 = 69;
const RETURN: u32 = 70;
const RETURN0: u32 = 71;
const RETURN1: u32 = 72;
const FORLOOP: u32 = 73;
const FORPREP: u32 = 74;
const TFORPREP: u32 = 75;
const TFORCALL: u32 = 76;
const TFORLOOP: u32 = 77;
const VARARGPREP: u32 = 81;
const EXTRAARG: u32 = 82;

// Metamethod events (ltm.h).
const TM_ADD: u32 = 6;
const TM_SUB: u32 = 7;
const TM_SHL: u32 = 16;

fn abc(op: u32, a: u32, b: u32, c: u32, k: bool) -> u32 {
    op | a << 7 | (k as u32) << 15 | b << 16 | c << 24
}
fn bx(op: u32, a: u32, bx: u32) -> u32 {
    op | a << 7 | bx << 15
}
fn sbx(op: u32, a: u32, v: i32) -> u32 {
    bx(op, a, (v + 0xffff) as u32)
}
fn ax(op: u32, ax: u32) -> u32 {
    op | ax << 7
}
fn jmp(offset: i32) -> u32 {
    ax(JMP, (offset + 0xff_ffff) as u32)
}
/// `sB`/`sC` of an immediate.
fn s(v: i32) -> u32 {
    (v + 127) as u32
}

/// A function to assemble.
#[derive(Clone)]
struct Fn {
    source: Option<&'static str>,
    params: u8,
    vararg: bool,
    max_stack: u8,
    code: Vec<u32>,
    k: Vec<Constant>,
    /// (in_stack, index, name)
    upvalues: Vec<(bool, u8, Option<&'static str>)>,
    protos: Vec<Fn>,
    /// Absolute lines, one per instruction (empty: stripped).
    lines: Vec<i32>,
    /// (name, start, end)
    locals: Vec<(&'static str, u32, u32)>,
}

impl Fn {
    fn new(max_stack: u8, code: Vec<u32>) -> Fn {
        Fn {
            source: Some("@t.lua"),
            params: 0,
            vararg: false,
            max_stack,
            code,
            k: Vec::new(),
            upvalues: Vec::new(),
            protos: Vec::new(),
            lines: Vec::new(),
            locals: Vec::new(),
        }
    }
}

/// `dumpSize`: 7-bit groups, most significant first, the last one marked.
fn size(out: &mut Vec<u8>, mut x: u64) {
    let mut groups = vec![(x & 0x7f) as u8 | 0x80];
    x >>= 7;
    while x != 0 {
        groups.push((x & 0x7f) as u8);
        x >>= 7;
    }
    out.extend(groups.iter().rev());
}

fn string(out: &mut Vec<u8>, s: Option<&[u8]>) {
    match s {
        None => size(out, 0),
        Some(s) => {
            size(out, s.len() as u64 + 1);
            out.extend_from_slice(s);
        }
    }
}

fn function(out: &mut Vec<u8>, f: &Fn) {
    string(out, f.source.map(str::as_bytes));
    size(out, 0);
    size(out, 0);
    out.extend_from_slice(&[f.params, f.vararg as u8, f.max_stack]);
    size(out, f.code.len() as u64);
    for i in &f.code {
        out.extend_from_slice(&i.to_le_bytes());
    }
    size(out, f.k.len() as u64);
    for k in &f.k {
        match k {
            Constant::Nil => out.push(0),
            Constant::Bool(false) => out.push(1),
            Constant::Bool(true) => out.push(0x11),
            Constant::Int(i) => {
                out.push(3);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Constant::Float(x) => {
                out.push(0x13);
                out.extend_from_slice(&x.to_le_bytes());
            }
            Constant::Str(s) => {
                out.push(4);
                string(out, Some(s));
            }
        }
    }
    size(out, f.upvalues.len() as u64);
    for &(in_stack, index, _) in &f.upvalues {
        out.extend_from_slice(&[in_stack as u8, index, 0]);
    }
    size(out, f.protos.len() as u64);
    for p in &f.protos {
        function(out, p);
    }
    // Lines as deltas from line 0 (all small here).
    size(out, f.lines.len() as u64);
    let mut prev = 0;
    for &l in &f.lines {
        out.push((l - prev) as i8 as u8);
        prev = l;
    }
    size(out, 0); // abslineinfo
    size(out, f.locals.len() as u64);
    for &(name, start, end) in &f.locals {
        string(out, Some(name.as_bytes()));
        size(out, start as u64);
        size(out, end as u64);
    }
    let named = f.upvalues.iter().any(|u| u.2.is_some());
    size(out, if named { f.upvalues.len() as u64 } else { 0 });
    if named {
        for u in &f.upvalues {
            string(out, u.2.map(str::as_bytes));
        }
    }
}

fn chunk(f: &Fn) -> Vec<u8> {
    let mut out = lua_bytecode::dump::puc_header();
    out.push(f.upvalues.len() as u8);
    function(&mut out, f);
    out
}

fn load(f: &Fn) -> Result<std::rc::Rc<Proto>, UndumpError> {
    undump_detailed(&chunk(f))
}

fn refused(f: &Fn, what: &str) {
    let e = load(f).expect_err("a corrupted chunk loaded");
    assert_eq!(e.why, Why::Corrupted, "{e}");
    assert!(e.detail.contains(what), "{e} does not say {what:?}");
}

fn flat(p: &Proto) -> Vec<Op> {
    p.flat().code.clone()
}

/// The hand-made chunk of the official suite's calls.lua (5.4.6: "list
/// of upvalue names is larger than number of upvalues"), bytes as given
/// there: it must load (and is `function (x) return x end`).
#[test]
fn calls_lua_chunk_loads() {
    let code = b"\x1b\x4c\x75\x61\x54\x00\x19\x93\x0d\x0a\x1a\x0a\x04\x08\x08\x78\x56\
        \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x28\x77\x40\x00\x86\x40\
        \x74\x65\x6d\x70\x81\x81\x01\x00\x02\x82\x48\x00\x02\x00\xc7\x00\x01\
        \x00\x80\x80\x80\x82\x00\x00\x80\x81\x82\x78\x80\x82\x81\x86\x40\x74\
        \x65\x6d\x70";
    let p = undump_detailed(code).unwrap();
    assert_eq!(&*p.source, "@temp");
    assert_eq!((p.line_defined, p.num_params, p.is_vararg), (1, 1, false));
    assert_eq!(flat(&p), [Op::Return1 { src: 0 }, Op::Return0]);
    assert_eq!(p.debug.lines, [1, 1]);
    assert_eq!(p.debug.locals[0].name.as_ref(), "x");
    assert!(p.upvalues.is_empty());
}

#[test]
fn plain_instructions_and_extra_args() {
    let mut f = Fn::new(
        3,
        vec![
            ax(VARARGPREP, 0),
            bx(LOADK, 0, 0),
            ax(LOADKX, 1),
            ax(EXTRAARG, 1),
            abc(CALL, 0, 2, 0, false),
            abc(RETURN, 0, 0, 0, false),
        ],
    );
    f.vararg = true;
    f.k = vec![Constant::Int(1), Constant::Int(2)];
    let p = load(&f).unwrap();
    assert_eq!(
        flat(&p),
        [
            Op::LoadK { dst: 0, k: 0 },
            Op::LoadK { dst: 1, k: 1 },
            Op::Call {
                func: 0,
                nargs: 1,
                nresults: 255
            },
            Op::Return { first: 0, n: 255 },
        ]
    );
    // The frame is what the code names.
    assert_eq!(p.max_registers, 2);
}

/// `1 + x`, `x - 1`, `x << 1`, `1 << x`, `2.5 + x`: the luna instruction
/// follows the `MMBIN*`'s event; a flipped one works in a scratch
/// register above PUC's frame.
#[test]
fn arithmetic_and_its_metamethod_event() {
    let mut f = Fn::new(
        2,
        vec![
            abc(ADDI, 1, 0, s(1), false),
            abc(MMBINI, 0, s(1), TM_ADD, true),
            abc(ADDI, 1, 0, s(-1), false),
            abc(MMBINI, 0, s(1), TM_SUB, false),
            abc(SHRI, 1, 0, s(-1), false),
            abc(MMBINI, 0, s(1), TM_SHL, false),
            abc(SHLI, 1, 0, s(1), false),
            abc(MMBINI, 0, s(1), TM_SHL, true),
            abc(ADDK, 1, 0, 0, false),
            abc(MMBINK, 0, 0, TM_ADD, true),
            abc(ADD, 1, 0, 1, false),
            abc(MMBIN, 0, 1, TM_ADD, false),
            abc(RETURN1, 1, 0, 0, false),
        ],
    );
    f.k = vec![Constant::Float(2.5)];
    let p = load(&f).unwrap();
    assert_eq!(
        flat(&p),
        [
            Op::LoadI { dst: 2, value: 1 },
            Op::Add { dst: 1, a: 2, b: 0 },
            Op::SubI {
                dst: 1,
                a: 0,
                imm: 1
            },
            Op::ShlI {
                dst: 1,
                a: 0,
                imm: 1
            },
            Op::LoadI { dst: 2, value: 1 },
            Op::Shl { dst: 1, a: 2, b: 0 },
            Op::LoadK { dst: 2, k: 0 },
            Op::Add { dst: 1, a: 2, b: 0 },
            Op::Add { dst: 1, a: 0, b: 1 },
            Op::Return1 { src: 1 },
        ]
    );
    assert_eq!(p.max_registers, 3);

    // An operation without its MMBIN, with another event or operand.
    let mut g = f.clone();
    g.code[1] = abc(MMBINI, 0, s(2), TM_ADD, true);
    refused(&g, "MMBIN");
    g.code[1] = abc(MMBINI, 1, s(1), TM_ADD, true);
    refused(&g, "MMBIN");
    let mut g = f.clone();
    g.code[11] = abc(MMBIN, 0, 1, TM_SUB, false);
    refused(&g, "MMBIN");
    g.code = vec![
        abc(MMBIN, 0, 1, TM_ADD, false),
        abc(RETURN0, 0, 0, 0, false),
    ];
    refused(&g, "out of place");
    // No register left above a full frame for the scratch value.
    let mut g = f.clone();
    g.max_stack = 255;
    refused(&g, "scratch");
}

/// Tests and their jumps: an `If` folded into one conditional jump; a
/// comparison with 128 or a float needs the scratch register; `TESTSET`
/// copies before jumping; `LFALSESKIP` skips.
#[test]
fn tests_and_jumps() {
    let f = Fn::new(
        2,
        vec![
            abc(TEST, 0, 0, 0, true),
            jmp(2),
            abc(EQI, 0, s(128), 0, false),
            jmp(0),
            abc(LTI, 0, s(1), 1, false),
            jmp(-6),
            abc(GTI, 0, s(3), 0, false),
            jmp(2),
            abc(TESTSET, 1, 0, 0, false),
            jmp(0),
            abc(LFALSESKIP, 1, 0, 0, false),
            abc(LOADTRUE, 1, 0, 0, false),
            abc(RETURN1, 1, 0, 0, false),
        ],
    );
    let p = load(&f).unwrap();
    let jump_if = |test, target| Op::cond_jump(test, true, target);
    let jump_if_not = |test, target| Op::cond_jump(test, false, target);
    assert_eq!(
        flat(&p),
        [
            jump_if(Test::Truthy(0), 3),
            Op::LoadI { dst: 2, value: 128 },
            jump_if_not(Test::Eq(0, 2), 3),
            Op::LoadF { dst: 2, value: 1 },
            jump_if_not(Test::Lt(0, 2), 0),
            jump_if_not(Test::GtI(0, 3), 9),
            jump_if(Test::Truthy(0), 9),
            Op::Move { dst: 1, src: 0 },
            Op::Jmp { target: 9 },
            Op::LoadFalse { dst: 1 },
            Op::Jmp { target: 12 },
            Op::LoadTrue { dst: 1 },
            Op::Return1 { src: 1 },
        ]
    );
    // A test must be followed by its jump; a jump lands on an
    // instruction, not on the second half of a pair.
    let mut g = f.clone();
    g.code[1] = abc(MOVE, 0, 0, 0, false);
    refused(&g, "not followed by a jump");
    let mut g = f.clone();
    g.code[1] = jmp(1);
    refused(&g, "instruction pair");
    let mut g = f.clone();
    g.code[9] = jmp(10);
    refused(&g, "outside the code");
    g.code[9] = jmp(-20);
    refused(&g, "jump to pc -10");
    // Off the end: the last instruction falls through.
    let mut g = f.clone();
    g.code.pop();
    assert_eq!(load(&g).unwrap_err().why, Why::Corrupted);
}

/// `for` loops are nodes with their bodies; a jump may leave a loop, go
/// to its next iteration, but not enter it.
#[test]
fn loops() {
    let f = Fn::new(
        8,
        vec![
            sbx(LOADI, 0, 1),
            sbx(LOADI, 1, 3),
            sbx(LOADI, 2, 1),
            bx(FORPREP, 0, 3),
            abc(TEST, 3, 0, 0, false),
            jmp(1), // to FORLOOP: the next iteration
            jmp(1), // past FORLOOP: out of the loop
            bx(FORLOOP, 0, 4),
            bx(TFORPREP, 0, 1),
            jmp(2), // out of the loop, from its body
            abc(TFORCALL, 0, 0, 1, false),
            bx(TFORLOOP, 0, 3),
            abc(RETURN0, 0, 0, 0, false),
        ],
    );
    let p = load(&f).unwrap();
    let Node::NumericFor(nf) = &p.code.nodes[3] else {
        panic!("{:?}", p.code.nodes[3])
    };
    assert_eq!(nf.base, 0);
    assert_eq!(nf.body.nodes.len(), 2);
    assert!(matches!(
        nf.body.nodes[1],
        Node::Goto {
            levels: 1,
            target: 4,
            ..
        }
    ));
    let Node::If(i) = &nf.body.nodes[0] else {
        panic!()
    };
    assert!(matches!(
        i.then_.nodes[..],
        [Node::Goto {
            levels: 1,
            target: 2,
            ..
        }]
    ));
    let Node::GenericFor(gf) = &p.code.nodes[4] else {
        panic!()
    };
    assert_eq!((gf.base, gf.nvars), (0, 1));
    assert!(p.needs_close);
    assert_eq!(p.max_registers, 7);
    assert_eq!(p.code_len, 12);

    // Into a loop body from outside it.
    let mut g = f.clone();
    g.code[12] = jmp(-7);
    refused(&g, "inside a loop");
    // A FORPREP whose FORLOOP is elsewhere, or is not one.
    let mut g = f.clone();
    g.code[3] = bx(FORPREP, 0, 2);
    refused(&g, "FORLOOP");
    let mut g = f.clone();
    g.code[7] = bx(FORLOOP, 1, 4);
    refused(&g, "FORLOOP");
    let mut g = f.clone();
    g.code[11] = bx(TFORLOOP, 0, 2);
    refused(&g, "TFORCALL");
    // A FORPREP whose FORLOOP would be another loop's instruction.
    let mut g = f.clone();
    g.code[3] = bx(FORPREP, 0, 7);
    refused(&g, "FORLOOP");
}

/// `SELF` with a register key; `TAILCALL`'s `RETURN` is dropped.
#[test]
fn self_and_tail_calls() {
    let f = Fn::new(
        3,
        vec![
            abc(SELF, 0, 0, 2, false),
            abc(SELF, 0, 0, 1, false),
            abc(TAILCALL, 0, 2, 0, true),
            abc(RETURN, 0, 0, 0, true),
        ],
    );
    let p = load(&f).unwrap();
    let get = |dst, key| Op::GetTable { dst, obj: 0, key };
    assert_eq!(
        flat(&p),
        [
            Op::Move { dst: 1, src: 0 },
            get(0, 2),
            // The key is R[a+1] and the object R[a]: through the scratch
            // register.
            get(3, 1),
            Op::Move { dst: 1, src: 0 },
            Op::Move { dst: 0, src: 3 },
            Op::TailCall { func: 0, nargs: 1 },
        ]
    );
    assert!(p.needs_close);
}

/// Lines, local variables (with their registers) and operand names move
/// to the translated pcs; names are lua5.4's `getobjname`'s.
#[test]
fn debug_information() {
    let mut f = Fn::new(
        3,
        vec![
            ax(VARARGPREP, 0),
            abc(GETTABUP, 0, 0, 0, false), // local f = print
            abc(GETFIELD, 1, 0, 1, false), // f.x
            abc(ADDI, 2, 1, s(1), false),  // f.x + 1 (a temporary)
            abc(MMBINI, 1, s(1), TM_ADD, false),
            abc(GETUPVAL, 1, 0, 0, false), // _ENV as a value
            abc(MOVE, 2, 0, 0, false),
            abc(CALL, 2, 1, 1, false), // f()
            abc(GETTABUP, 2, 0, 0, false),
            abc(CALL, 2, 1, 1, false), // print()
            abc(RETURN, 0, 1, 1, false),
        ],
    );
    f.vararg = true;
    f.k = vec![
        Constant::Str(b"print".as_slice().into()),
        Constant::Str(b"x".as_slice().into()),
    ];
    f.upvalues = vec![(true, 0, Some("_ENV"))];
    f.lines = vec![1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 5];
    f.locals = vec![("f", 2, 11)];
    let p = load(&f).unwrap();
    verify(&p).unwrap();
    assert_eq!(p.code_len, 9);
    assert_eq!(p.debug.lines, [1, 2, 2, 3, 4, 4, 5, 5, 5]);
    let l = &p.debug.locals[0];
    assert_eq!(
        (l.name.as_ref(), l.reg, l.start_pc, l.end_pc),
        ("f", 0, 1, 9)
    );
    let name = |pc, reg| {
        p.debug
            .operand_name(pc, reg)
            .map(|(k, n)| (k, String::from_utf8_lossy(n).into_owned()))
    };
    // f.x + 1: the field read into the temporary.
    assert_eq!(name(2, 1), Some((NameKind::Field, "x".into())));
    // f(): a copy of the local.
    assert_eq!(name(5, 2), Some((NameKind::Local, "f".into())));
    // print(): a global (the key read through the upvalue `_ENV`).
    assert_eq!(name(7, 2), Some((NameKind::Global, "print".into())));
    // f.x names the local's own register: found through the locals.
    assert_eq!(name(1, 0), None);

    // Stripped: no lines, no locals, a global becomes a field.
    let mut s = f.clone();
    s.source = None;
    s.lines.clear();
    s.locals.clear();
    s.upvalues = vec![(true, 0, None)];
    let q = load(&s).unwrap();
    assert_eq!(&*q.source, "=?");
    assert!(q.debug.lines.is_empty() && q.debug.locals.is_empty());
    assert!(q.upvalues[0].name.is_empty());
    assert_eq!(
        q.debug
            .operand_name(7, 2)
            .map(|(k, n)| (k, String::from_utf8_lossy(n).into_owned())),
        Some((NameKind::Field, "print".into()))
    );
    // A jump over the setting of a register makes it unknown.
    let mut g = f.clone();
    g.code.truncate(8);
    g.code.extend([
        abc(TEST, 0, 0, 0, false),
        jmp(1),
        abc(GETTABUP, 2, 0, 0, false),
        abc(CALL, 2, 1, 1, false),
        abc(RETURN, 0, 1, 1, false),
    ]);
    g.lines = vec![1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 5, 5, 5];
    g.locals = vec![("f", 2, 13)];
    let q = load(&g).unwrap();
    assert!(matches!(q.flat().code[8], Op::Call { func: 2, .. }));
    assert_eq!(q.debug.operand_name(8, 2), None);
}

/// Format errors have lua5.4's words; counts larger than the chunk are
/// a truncated chunk, found before anything is allocated.
#[test]
fn format_errors() {
    let f = Fn::new(2, vec![abc(RETURN0, 0, 0, 0, false)]);
    let c = chunk(&f);
    load(&f).unwrap();
    for cut in 1..c.len() {
        let e = undump_detailed(&c[..cut]).unwrap_err();
        assert_eq!(e.why, Why::Truncated, "{cut}: {e}");
    }
    // The header's upvalue count must be the main function's.
    let mut bad = c.clone();
    bad[31] = 1;
    assert_eq!(undump_detailed(&bad).unwrap_err().why, Why::Corrupted);
    // A string constant without a string.
    let mut g = f.clone();
    g.k = vec![Constant::Str(b"".as_slice().into())];
    let mut bad = chunk(&g);
    // The constant's size (0x81, an empty string), then six empty counts.
    let at = bad.len() - 7;
    assert_eq!(bad[at], 0x81);
    bad[at] = 0x80;
    assert_eq!(undump_detailed(&bad).unwrap_err().why, Why::ConstantString);
    // A code size of 100000 in a short chunk (byte 44 is the code size).
    let mut bad = c[..44].to_vec();
    bad.extend_from_slice(&[0x06, 0x0d, 0xa0]);
    assert_eq!(undump_detailed(&bad).unwrap_err().why, Why::Truncated);
    // An int that passes INT_MAX.
    let mut bad = c[..44].to_vec();
    bad.extend_from_slice(&[0x7f; 6]);
    assert_eq!(undump_detailed(&bad).unwrap_err().why, Why::Overflow);
    // Another (short) body: an unknown constant tag.
    let mut g = f.clone();
    g.k = vec![Constant::Nil];
    let mut bad = chunk(&g);
    let at = bad.len() - 7;
    assert_eq!(bad[at], 0);
    bad[at] = 9;
    assert_eq!(undump_detailed(&bad).unwrap_err().why, Why::Corrupted);
}

/// Every byte of a few hand-made chunks changed: an error or a function
/// that passes the verifier, never a panic.
#[test]
fn changed_bytes_never_panic() {
    let mut f = Fn::new(
        3,
        vec![
            sbx(LOADI, 0, 1),
            sbx(LOADI, 1, 3),
            sbx(LOADI, 2, 1),
            bx(FORPREP, 0, 2),
            abc(ADDI, 4, 3, s(1), false),
            abc(MMBINI, 3, s(1), TM_ADD, false),
            bx(FORLOOP, 0, 3),
            abc(GETTABUP, 0, 0, 0, false),
            abc(TEST, 0, 0, 0, true),
            jmp(1),
            abc(RETURN1, 4, 0, 0, false),
            abc(RETURN0, 0, 0, 0, false),
        ],
    );
    f.max_stack = 5;
    f.k = vec![Constant::Str(b"print".as_slice().into())];
    f.upvalues = vec![(true, 0, Some("_ENV"))];
    f.lines = (1..=12).collect();
    f.locals = vec![("i", 4, 6)];
    let c = chunk(&f);
    load(&f).unwrap();
    let (mut loaded, mut refused) = (0, 0);
    for at in 0..c.len() {
        for change in [0x01u8, 0x80, 0xff, 0x10, 0x7f] {
            let mut b = c.clone();
            b[at] ^= change;
            match undump_detailed(&b) {
                Ok(p) => {
                    verify(&p).unwrap();
                    assert_eq!(p.flat().code.len(), p.code_len as usize);
                    loaded += 1;
                }
                Err(_) => refused += 1,
            }
        }
    }
    assert!(
        loaded > 50 && refused > 50,
        "{loaded} loaded, {refused} refused"
    );
}
