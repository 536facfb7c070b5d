//! Binary chunks: [`dump`] writes a [`Proto`] (and every function nested
//! in it) as bytes that [`crate::undump()`] reads back (`string.dump` and
//! `load`).
//!
//! # Format
//!
//! The header is PUC-Rio Lua 5.4's, byte for byte, and so is the byte
//! after it (the main function's upvalue count). The body is luna's own:
//! the *structured* code (blocks, nodes, conditions, with their recorded
//! pcs) that both executors run, not PUC's instructions. It stands behind
//! a [`MARKER`] placed where PUC reads the main function's source size:
//! ten `0x7f` bytes, a varint that never ends before it overflows, so
//! lua5.4 refuses a luna chunk with "bad binary format (integer
//! overflow)" instead of misreading it, and no PUC chunk can start its
//! body that way (luna's loader tells the two apart by it; a PUC body is
//! loaded by translation, see [`crate::puc`]).
//!
//! ```text
//! header    "\x1bLua" 0x54 (Lua 5.4) 0 (the official format)
//!           "\x19\x93\r\n\x1a\n" (LUAC_DATA: catches text-mode
//!           conversions) 4 8 8 (sizes of an instruction, an integer, a
//!           number) 0x5678 (i64) 370.5 (f64)
//!           upvalue count of the main function (u8)
//! marker    0x7f x 10, "luna", REVISION
//! function  source            str? (absent: the parent's; "=?" at the top)
//!           line_defined      uvar
//!           last_line_defined uvar
//!           num_params        u8
//!           flags             u8 (1: vararg, 2: needs_close)
//!           max_registers     u8
//!           code_len          uvar
//!           constants         uvar count, each: tag u8 (0 nil, 1 false,
//!                             2 true, 3 integer i64, 4 float f64 bits,
//!                             5 string str)
//!           upvalues          uvar count, each: in_stack u8, index u8, name str
//!           protos            uvar count, each a function
//!           code              block
//!           lines             uvar count (0 or code_len), each a svar
//!                             delta from the previous line (from 0)
//!           locals            uvar count, each: name str, reg u8,
//!                             start_pc uvar, end_pc uvar
//!           names             uvar count, each: pc uvar, reg u8, kind u8
//!                             (NameKind order), name str
//! block     uvar count, each a node
//! node      tag u8: 0 op (op, pc uvar), 1 if (cond, then block, else
//!           block), 2 while (cond, body), 3 repeat (body, cond), 4 loop
//!           (body), 5 numeric for (base u8, prep_pc, loop_pc, body),
//!           6 generic for (base u8, nvars u8, prep_pc, call_pc, loop_pc,
//!           body), 7 break (levels, pc), 8 goto (levels, target, pc)
//! cond      tag u8: 0 leaf (pre block, test, negate u8, pc uvar), 1 and,
//!           2 or (left leaf count uvar, left cond, right cond)
//! op        opcode u8 (the `Op` variant's index), then its operands in
//!           declaration order: registers and `u8`/`i8` fields as one
//!           byte, `u16`/`u32` fields as uvar, `i16`/`i32` as svar, an
//!           `RK` as 0 + register or 1 + uvar, a `Test` as its tag (the
//!           variant's index) and operands
//! str       uvar length, bytes
//! uvar      unsigned LEB128 (at most 10 bytes); svar: zigzag, then uvar
//! ```
//!
//! All integers are little-endian. A stripped dump (`strip`) drops what
//! lua5.4's `string.dump(f, true)` drops: the source (a stripped
//! function's chunk name is `=?`), the line table (lines are unknown),
//! the local variables and the upvalue names (written as `?`). Operand
//! names from constants stay, as PUC's `getobjname` still finds them;
//! a global becomes a field (no upvalue is known to be `_ENV`) and a
//! copy of a local loses its name.

use crate::opcode::{Op, RK, Test};
use crate::proto::{Block, Cond, Constant, NameKind, Node, OperandName, Proto};
use crate::verify::{RED_ZONE, STACK_SEGMENT};

// PUC-Rio 5.4's header (lundump.h).
pub(crate) const SIGNATURE: &[u8] = b"\x1bLua";
pub(crate) const VERSION: u8 = 0x54;
/// PUC's official format.
pub(crate) const FORMAT: u8 = 0;
pub(crate) const LUAC_DATA: &[u8] = b"\x19\x93\r\n\x1a\n";
pub(crate) const INSTRUCTION_SIZE: u8 = 4;
pub(crate) const INTEGER_SIZE: u8 = 8;
pub(crate) const NUMBER_SIZE: u8 = 8;
pub(crate) const LUAC_INT: i64 = 0x5678;
pub(crate) const LUAC_NUM: f64 = 370.5;

/// Where a PUC body has its source size: a varint lua5.4 cannot read
/// (`loadSize` overflows at the tenth byte of 7 bits) and no PUC chunk
/// contains there.
pub const MARKER: [u8; 10] = [0x7f; 10];
pub(crate) const TAG: &[u8] = b"luna";
/// The revision of luna's body format; loading a chunk of another
/// revision is a "format mismatch".
pub(crate) const REVISION: u8 = 2;

/// PUC-Rio 5.4's header, up to (not including) the upvalue count.
pub fn puc_header() -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    out.extend_from_slice(SIGNATURE);
    out.push(VERSION);
    out.push(FORMAT);
    out.extend_from_slice(LUAC_DATA);
    out.extend_from_slice(&[INSTRUCTION_SIZE, INTEGER_SIZE, NUMBER_SIZE]);
    out.extend_from_slice(&LUAC_INT.to_le_bytes());
    out.extend_from_slice(&LUAC_NUM.to_le_bytes());
    out
}

/// Everything before luna's body in a chunk whose main function has
/// `nups` upvalues: the header, the count, the marker (for tests that
/// build chunks by hand).
pub fn header(nups: u8) -> Vec<u8> {
    let mut out = puc_header();
    out.push(nups);
    out.extend_from_slice(&MARKER);
    out.extend_from_slice(TAG);
    out.push(REVISION);
    out
}

/// The binary chunk of `proto` (see the module docs for the format).
pub fn dump(proto: &Proto, strip: bool) -> Vec<u8> {
    let nups = u8::try_from(proto.upvalues.len()).unwrap_or(u8::MAX);
    let mut w = Writer {
        out: header(nups),
        strip,
    };
    w.function(proto, None);
    w.out
}

struct Writer {
    out: Vec<u8>,
    strip: bool,
}

impl Writer {
    fn u8(&mut self, b: u8) {
        self.out.push(b);
    }

    fn uvar(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn svar(&mut self, v: i64) {
        self.uvar(((v << 1) ^ (v >> 63)) as u64);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.uvar(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    fn function(&mut self, p: &Proto, parent_source: Option<&str>) {
        if self.strip || parent_source == Some(&*p.source) {
            self.uvar(0);
        } else {
            self.uvar(p.source.len() as u64 + 1);
            self.out.extend_from_slice(p.source.as_bytes());
        }
        self.uvar(p.line_defined as u64);
        self.uvar(p.last_line_defined as u64);
        self.u8(p.num_params);
        self.u8(p.is_vararg as u8 | (p.needs_close as u8) << 1);
        self.u8(p.max_registers);
        self.uvar(p.code_len as u64);
        self.uvar(p.constants.len() as u64);
        for k in &p.constants {
            match k {
                Constant::Nil => self.u8(0),
                Constant::Bool(false) => self.u8(1),
                Constant::Bool(true) => self.u8(2),
                Constant::Int(i) => {
                    self.u8(3);
                    self.out.extend_from_slice(&i.to_le_bytes());
                }
                Constant::Float(f) => {
                    self.u8(4);
                    self.out.extend_from_slice(&f.to_bits().to_le_bytes());
                }
                Constant::Str(s) => {
                    self.u8(5);
                    self.bytes(s);
                }
            }
        }
        self.uvar(p.upvalues.len() as u64);
        for u in &p.upvalues {
            self.u8(u.in_stack as u8);
            self.u8(u.index);
            // Stripped: no name (lua5.4's NULL; "?" in messages, "(no
            // name)" for `debug.getupvalue`).
            let name: &str = if self.strip { "" } else { &u.name };
            self.bytes(name.as_bytes());
        }
        self.uvar(p.protos.len() as u64);
        let source = if self.strip { None } else { Some(&*p.source) };
        for c in &p.protos {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.function(c, source));
        }
        self.block(&p.code);
        self.debug(p);
    }

    fn debug(&mut self, p: &Proto) {
        let d = &p.debug;
        if self.strip {
            self.uvar(0);
            self.uvar(0);
        } else {
            self.uvar(d.lines.len() as u64);
            let mut prev = 0i64;
            for &l in &d.lines {
                self.svar(l as i64 - prev);
                prev = l as i64;
            }
            self.uvar(d.locals.len() as u64);
            for l in &d.locals {
                self.bytes(l.name.as_bytes());
                self.u8(l.reg);
                self.uvar(l.start_pc as u64);
                self.uvar(l.end_pc as u64);
            }
        }
        let names: Vec<OperandName> = if self.strip {
            d.names.iter().filter_map(stripped_name).collect()
        } else {
            d.names.clone()
        };
        self.uvar(names.len() as u64);
        for n in &names {
            self.uvar(n.pc as u64);
            self.u8(n.reg);
            self.u8(name_kind_tag(n.kind));
            self.bytes(&n.name);
        }
    }

    fn block(&mut self, b: &Block) {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.uvar(b.nodes.len() as u64);
            for n in &b.nodes {
                self.node(n);
            }
        })
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Op { op, pc } => {
                self.u8(0);
                self.op(op);
                self.uvar(*pc as u64);
            }
            Node::If(i) => {
                self.u8(1);
                self.cond(&i.cond);
                self.block(&i.then_);
                self.block(&i.else_);
                self.uvar(i.jump_pc as u64);
            }
            Node::While(w) => {
                self.u8(2);
                self.cond(&w.cond);
                self.block(&w.body);
                self.uvar(w.back_pc as u64);
            }
            Node::Repeat(r) => {
                self.u8(3);
                self.block(&r.body);
                self.cond(&r.cond);
            }
            Node::Loop(l) => {
                self.u8(4);
                self.block(&l.body);
                self.uvar(l.back_pc as u64);
            }
            Node::NumericFor(f) => {
                self.u8(5);
                self.u8(f.base);
                self.uvar(f.prep_pc as u64);
                self.uvar(f.loop_pc as u64);
                self.block(&f.body);
            }
            Node::GenericFor(f) => {
                self.u8(6);
                self.u8(f.base);
                self.u8(f.nvars);
                self.uvar(f.prep_pc as u64);
                self.uvar(f.call_pc as u64);
                self.uvar(f.loop_pc as u64);
                self.block(&f.body);
            }
            Node::Break { levels, pc } => {
                self.u8(7);
                self.uvar(*levels as u64);
                self.uvar(*pc as u64);
            }
            Node::Goto { levels, target, pc } => {
                self.u8(8);
                self.uvar(*levels as u64);
                self.uvar(*target as u64);
                self.uvar(*pc as u64);
            }
        }
    }

    fn cond(&mut self, c: &Cond) {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || match c {
            Cond::Leaf {
                pre,
                test,
                negate,
                pc,
            } => {
                self.u8(0);
                self.block(pre);
                self.test(test);
                self.u8(*negate as u8);
                self.uvar(*pc as u64);
            }
            Cond::And(a, b, n) | Cond::Or(a, b, n) => {
                self.u8(if matches!(c, Cond::And(..)) { 1 } else { 2 });
                self.uvar(*n as u64);
                self.cond(a);
                self.cond(b);
            }
        })
    }

    fn test(&mut self, t: &Test) {
        match *t {
            Test::Truthy(a) => self.out.extend_from_slice(&[0, a]),
            Test::Eq(a, b) => self.out.extend_from_slice(&[1, a, b]),
            Test::Lt(a, b) => self.out.extend_from_slice(&[2, a, b]),
            Test::Le(a, b) => self.out.extend_from_slice(&[3, a, b]),
            Test::EqK(a, k) => self.out.extend_from_slice(&[4, a, k]),
            Test::EqI(a, i) => self.out.extend_from_slice(&[5, a, i as u8]),
            Test::LtI(a, i) => self.out.extend_from_slice(&[6, a, i as u8]),
            Test::LeI(a, i) => self.out.extend_from_slice(&[7, a, i as u8]),
            Test::GtI(a, i) => self.out.extend_from_slice(&[8, a, i as u8]),
            Test::GeI(a, i) => self.out.extend_from_slice(&[9, a, i as u8]),
        }
    }

    fn rk(&mut self, v: RK) {
        match v {
            RK::R(r) => self.out.extend_from_slice(&[0, r]),
            RK::K(k) => {
                self.u8(1);
                self.uvar(k as u64);
            }
        }
    }

    fn op(&mut self, op: &Op) {
        use Op::*;
        self.u8(opcode(op));
        if let Some((test, _, target)) = op.as_cond_jump() {
            self.test(&test);
            self.uvar(target as u64);
            return;
        }
        match *op {
            Move { dst, src } => self.out.extend_from_slice(&[dst, src]),
            LoadI { dst, value } | LoadF { dst, value } => {
                self.u8(dst);
                self.svar(value as i64);
            }
            LoadK { dst, k } => {
                self.u8(dst);
                self.uvar(k as u64);
            }
            LoadFalse { dst } | LoadTrue { dst } => self.u8(dst),
            LoadNil { dst, n } => self.out.extend_from_slice(&[dst, n]),
            GetUpval { dst, up } => self.out.extend_from_slice(&[dst, up]),
            SetUpval { up, src } => self.out.extend_from_slice(&[up, src]),
            GetTabUp { dst, up, key } => {
                self.out.extend_from_slice(&[dst, up]);
                self.uvar(key as u64);
            }
            GetTable { dst, obj, key } => self.out.extend_from_slice(&[dst, obj, key]),
            GetI {
                dst,
                obj,
                index: key,
            }
            | GetField { dst, obj, key }
            | Method { dst, obj, key } => {
                self.out.extend_from_slice(&[dst, obj]);
                self.uvar(key as u64);
            }
            SetTabUp { up, key, val } => {
                self.u8(up);
                self.uvar(key as u64);
                self.rk(val);
            }
            SetTable { obj, key, val } => {
                self.out.extend_from_slice(&[obj, key]);
                self.rk(val);
            }
            SetI {
                obj,
                index: key,
                val,
            }
            | SetField { obj, key, val } => {
                self.u8(obj);
                self.uvar(key as u64);
                self.rk(val);
            }
            NewTable { dst, array, hash } => {
                self.u8(dst);
                self.uvar(array as u64);
                self.uvar(hash as u64);
            }
            Add { dst, a, b }
            | Sub { dst, a, b }
            | Mul { dst, a, b }
            | Mod { dst, a, b }
            | Pow { dst, a, b }
            | Div { dst, a, b }
            | IDiv { dst, a, b }
            | BAnd { dst, a, b }
            | BOr { dst, a, b }
            | BXor { dst, a, b }
            | Shl { dst, a, b }
            | Shr { dst, a, b } => self.out.extend_from_slice(&[dst, a, b]),
            AddK { dst, a, k }
            | SubK { dst, a, k }
            | MulK { dst, a, k }
            | ModK { dst, a, k }
            | PowK { dst, a, k }
            | DivK { dst, a, k }
            | IDivK { dst, a, k }
            | BAndK { dst, a, k }
            | BOrK { dst, a, k }
            | BXorK { dst, a, k } => {
                self.out.extend_from_slice(&[dst, a]);
                self.uvar(k as u64);
            }
            AddI { dst, a, imm }
            | SubI { dst, a, imm }
            | ShlI { dst, a, imm }
            | ShrI { dst, a, imm } => {
                self.out.extend_from_slice(&[dst, a]);
                self.svar(imm as i64);
            }
            Unm { dst, src } | BNot { dst, src } | Not { dst, src } | Len { dst, src } => {
                self.out.extend_from_slice(&[dst, src])
            }
            Concat { first, n } => self.out.extend_from_slice(&[first, n]),
            Close { from } => self.u8(from),
            Tbc { reg } => self.u8(reg),
            Call {
                func,
                nargs,
                nresults,
            } => self.out.extend_from_slice(&[func, nargs, nresults]),
            TailCall { func, nargs } => self.out.extend_from_slice(&[func, nargs]),
            Return { first, n } => self.out.extend_from_slice(&[first, n]),
            Return0 => {}
            Return1 { src } => self.u8(src),
            Vararg { dst, n } => self.out.extend_from_slice(&[dst, n]),
            Closure { dst, proto } => {
                self.u8(dst);
                self.uvar(proto as u64);
            }
            SetList { table, n, offset } => {
                self.out.extend_from_slice(&[table, n]);
                self.uvar(offset as u64);
            }
            Jmp { target } => self.uvar(target as u64),
            // Written above, from `as_cond_jump`.
            crate::cond_jumps!() => {}
            ForPrep { base, target }
            | ForLoop { base, target }
            | TForPrep { base, target }
            | TForLoop { base, target } => {
                self.u8(base);
                self.uvar(target as u64);
            }
            TForCall { base, nvars } => self.out.extend_from_slice(&[base, nvars]),
        }
    }
}

/// What a stripped dump keeps of an operand name (see the module docs).
fn stripped_name(n: &OperandName) -> Option<OperandName> {
    let (kind, name): (NameKind, std::rc::Rc<[u8]>) = match n.kind {
        NameKind::Local => return None,
        NameKind::Global => (NameKind::Field, n.name.clone()),
        NameKind::Upvalue => (NameKind::Upvalue, std::rc::Rc::from(&b"?"[..])),
        k => (k, n.name.clone()),
    };
    Some(OperandName {
        pc: n.pc,
        reg: n.reg,
        kind,
        name,
    })
}

pub(crate) fn name_kind_tag(k: NameKind) -> u8 {
    match k {
        NameKind::Local => 0,
        NameKind::Global => 1,
        NameKind::Field => 2,
        NameKind::Upvalue => 3,
        NameKind::Method => 4,
        NameKind::Constant => 5,
    }
}

/// The opcode of `op` in the format: its variant's index in `Op`.
pub(crate) fn opcode(op: &Op) -> u8 {
    use Op::*;
    match op {
        Move { .. } => 0,
        LoadI { .. } => 1,
        LoadF { .. } => 2,
        LoadK { .. } => 3,
        LoadFalse { .. } => 4,
        LoadTrue { .. } => 5,
        LoadNil { .. } => 6,
        GetUpval { .. } => 7,
        SetUpval { .. } => 8,
        GetTabUp { .. } => 9,
        GetTable { .. } => 10,
        GetI { .. } => 11,
        GetField { .. } => 12,
        SetTabUp { .. } => 13,
        SetTable { .. } => 14,
        SetI { .. } => 15,
        SetField { .. } => 16,
        NewTable { .. } => 17,
        Method { .. } => 18,
        Add { .. } => 19,
        Sub { .. } => 20,
        Mul { .. } => 21,
        Mod { .. } => 22,
        Pow { .. } => 23,
        Div { .. } => 24,
        IDiv { .. } => 25,
        BAnd { .. } => 26,
        BOr { .. } => 27,
        BXor { .. } => 28,
        Shl { .. } => 29,
        Shr { .. } => 30,
        AddK { .. } => 31,
        SubK { .. } => 32,
        MulK { .. } => 33,
        ModK { .. } => 34,
        PowK { .. } => 35,
        DivK { .. } => 36,
        IDivK { .. } => 37,
        BAndK { .. } => 38,
        BOrK { .. } => 39,
        BXorK { .. } => 40,
        AddI { .. } => 41,
        SubI { .. } => 42,
        ShlI { .. } => 43,
        ShrI { .. } => 44,
        Unm { .. } => 45,
        BNot { .. } => 46,
        Not { .. } => 47,
        Len { .. } => 48,
        Concat { .. } => 49,
        Close { .. } => 50,
        Tbc { .. } => 51,
        Call { .. } => 52,
        TailCall { .. } => 53,
        Return { .. } => 54,
        Return0 => 55,
        Return1 { .. } => 56,
        Vararg { .. } => 57,
        Closure { .. } => 58,
        SetList { .. } => 59,
        Jmp { .. } => 60,
        crate::cond_jumps!() => match op.as_cond_jump() {
            Some((_, true, _)) => 61,
            _ => 62,
        },
        ForPrep { .. } => 63,
        ForLoop { .. } => 64,
        TForPrep { .. } => 65,
        TForCall { .. } => 66,
        TForLoop { .. } => 67,
    }
}
