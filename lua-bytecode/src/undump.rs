//! Reading binary chunks back into a [`Proto`], for `load`: luna's own
//! ([`crate::dump()`]'s format, described there) and PUC-Rio 5.4's
//! (`luac5.4`, lua5.4's `string.dump`), which share the header and are
//! told apart by luna's marker ([`crate::dump::MARKER`]); a PUC body is
//! read and translated by [`crate::puc`].
//!
//! Any byte string ends as a verified prototype or an error worded as
//! lua5.4's `lundump.c` words it (`<name>: bad binary format (truncated
//! chunk)`, ...): the reader checks every length against the bytes left
//! before allocating, bounds the nesting of functions, blocks and
//! conditions, and the result must pass [`crate::verify()`], so a chunk
//! made by hand can never make an executor panic or access memory out of
//! bounds.

use std::rc::Rc;

use crate::dump::{
    FORMAT, INSTRUCTION_SIZE, INTEGER_SIZE, LUAC_DATA, LUAC_INT, LUAC_NUM, MARKER, NUMBER_SIZE,
    REVISION, SIGNATURE, TAG, VERSION,
};
use crate::opcode::{Op, RK, Test};
use crate::proto::{
    Block, Cond, Constant, DebugInfo, GenericFor, If, LocalVar, Loop, NameKind, Node, NumericFor,
    OperandName, Proto, Repeat, UpvalDesc, While,
};
use crate::verify::{MAX_CODE_LEN, MAX_NESTING, MAX_PROTO_DEPTH, RED_ZONE, STACK_SEGMENT};

/// Why a chunk was refused, in lua5.4's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// It does not start with `"\x1bLua"`.
    NotBinary,
    /// It ends before the chunk does.
    Truncated,
    /// Not a Lua 5.4 chunk.
    Version,
    /// A Lua 5.4 chunk of another format (not the official one, or
    /// another revision of luna's body).
    Format,
    /// The header's size of an instruction, an integer or a number, or
    /// its test integer or number, is not 5.4's on a 64-bit machine.
    InstructionSize,
    IntegerSize,
    NumberSize,
    IntegerFormat,
    FloatFormat,
    /// A varint of a PUC body too large (`loadUnsigned`).
    Overflow,
    /// A string constant of a PUC body without a string.
    ConstantString,
    /// Anything else: bytes that are not a valid chunk, or code that does
    /// not pass the verifier.
    Corrupted,
}

impl Why {
    /// lua5.4's text: "truncated chunk", "version mismatch", ...
    pub fn as_str(self) -> &'static str {
        match self {
            Why::NotBinary => "not a binary chunk",
            Why::Truncated => "truncated chunk",
            Why::Version => "version mismatch",
            Why::Format => "format mismatch",
            Why::InstructionSize => "Instruction size mismatch",
            Why::IntegerSize => "lua_Integer size mismatch",
            Why::NumberSize => "lua_Number size mismatch",
            Why::IntegerFormat => "integer format mismatch",
            Why::FloatFormat => "float format mismatch",
            Why::Overflow => "integer overflow",
            Why::ConstantString => "bad format for constant string",
            Why::Corrupted => "corrupted chunk",
        }
    }
}

/// A refused chunk: lua5.4's reason and, for tests and fuzzing, what
/// exactly was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndumpError {
    pub why: Why,
    pub detail: String,
}

impl std::fmt::Display for UndumpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.why.as_str(), self.detail)
    }
}

/// The function of binary chunk `bytes`, or lua5.4's message for a bad
/// chunk named `chunkname` (`load`'s chunk name):
/// `"<name>: bad binary format (<why>)"`.
pub fn undump(bytes: &[u8], chunkname: &str) -> Result<Rc<Proto>, String> {
    undump_detailed(bytes).map_err(|e| {
        format!(
            "{}: bad binary format ({})",
            chunk_name(chunkname),
            e.why.as_str()
        )
    })
}

/// The name `lundump.c` gives a chunk in its messages: without its first
/// character if that is `@` or `=`, "binary string" if it starts with the
/// signature's escape (a chunk named by its own contents, `load`'s
/// default), else the name itself. (Not `chunk_id`'s form.)
pub fn chunk_name(chunkname: &str) -> &str {
    match chunkname.as_bytes().first() {
        Some(b'@' | b'=') => &chunkname[1..],
        Some(0x1b) => "binary string",
        _ => chunkname,
    }
}

/// [`undump`] with the detailed reason of a refusal.
pub fn undump_detailed(bytes: &[u8]) -> Result<Rc<Proto>, UndumpError> {
    let mut r = Reader {
        b: bytes,
        pos: 0,
        nesting: 0,
    };
    r.header()?;
    let nups = r.u8()?;
    let p = if r.b[r.pos..].starts_with(&MARKER) {
        r.pos += MARKER.len();
        if r.take(TAG.len())? != TAG {
            return err(Why::Format, "luna tag");
        }
        let rev = r.u8()?;
        if rev != REVISION {
            return err(Why::Format, format!("revision {rev}, not {REVISION}"));
        }
        r.function(None, 0)?
    } else {
        let mut puc = crate::puc::reader::Reader {
            b: bytes,
            pos: r.pos,
        };
        let p = puc.function(None, 0)?;
        crate::puc::translate::translate(&p).map_err(|e| UndumpError {
            why: Why::Corrupted,
            detail: e,
        })?
    };
    if p.upvalues.len() != nups as usize {
        return corrupt(format!(
            "{nups} upvalues in the header, {} in the main function",
            p.upvalues.len()
        ));
    }
    crate::verify::verify(&p).map_err(|e| UndumpError {
        why: Why::Corrupted,
        detail: e,
    })?;
    Ok(p)
}

pub(crate) type R<T> = Result<T, UndumpError>;

pub(crate) fn err<T>(why: Why, detail: impl Into<String>) -> R<T> {
    Err(UndumpError {
        why,
        detail: detail.into(),
    })
}

pub(crate) fn corrupt<T>(detail: impl Into<String>) -> R<T> {
    err(Why::Corrupted, detail)
}

struct Reader<'b> {
    b: &'b [u8],
    pos: usize,
    /// Blocks and conditions being read in the current function.
    nesting: usize,
}

impl<'b> Reader<'b> {
    fn left(&self) -> usize {
        self.b.len() - self.pos
    }

    fn take(&mut self, n: usize) -> R<&'b [u8]> {
        if n > self.left() {
            return err(Why::Truncated, format!("{n} bytes at {}", self.pos));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }

    fn bool(&mut self) -> R<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => corrupt(format!("boolean {b} at {}", self.pos - 1)),
        }
    }

    fn uvar(&mut self) -> R<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.u8()?;
            if i == 9 && b > 1 {
                break;
            }
            v |= ((b & 0x7f) as u64) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        corrupt(format!("varint too long at {}", self.pos))
    }

    fn svar(&mut self) -> R<i64> {
        let v = self.uvar()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// An unsigned varint that must fit `T`.
    fn unum<T: TryFrom<u64>>(&mut self) -> R<T> {
        let v = self.uvar()?;
        match T::try_from(v) {
            Ok(t) => Ok(t),
            Err(_) => corrupt(format!("{v} out of range at {}", self.pos)),
        }
    }

    /// A signed varint that must fit `T`.
    fn snum<T: TryFrom<i64>>(&mut self) -> R<T> {
        let v = self.svar()?;
        match T::try_from(v) {
            Ok(t) => Ok(t),
            Err(_) => corrupt(format!("{v} out of range at {}", self.pos)),
        }
    }

    fn pc(&mut self) -> R<u32> {
        let pc: u32 = self.unum()?;
        if pc > MAX_CODE_LEN {
            return corrupt(format!("pc {pc}"));
        }
        Ok(pc)
    }

    /// A count of items that take at least one byte each: never more than
    /// the bytes left (so nothing is allocated for items that cannot be
    /// there).
    fn count(&mut self) -> R<usize> {
        let n = self.uvar()?;
        if n > self.left() as u64 {
            return err(
                Why::Truncated,
                format!("{n} items, {} bytes left", self.left()),
            );
        }
        Ok(n as usize)
    }

    fn bytes(&mut self) -> R<&'b [u8]> {
        let n = self.count()?;
        self.take(n)
    }

    fn text(&mut self, n: usize) -> R<Rc<str>> {
        let b = self.take(n)?;
        match std::str::from_utf8(b) {
            Ok(s) => Ok(Rc::from(s)),
            Err(_) => corrupt(format!("name not UTF-8 at {}", self.pos)),
        }
    }

    fn str(&mut self) -> R<Rc<str>> {
        let n = self.count()?;
        self.text(n)
    }

    /// PUC-Rio 5.4's header (`checkHeader`), which luna's chunks share.
    fn header(&mut self) -> R<()> {
        if self.u8()? != SIGNATURE[0] || self.take(3)? != &SIGNATURE[1..] {
            return err(Why::NotBinary, "signature");
        }
        if self.u8()? != VERSION {
            return err(Why::Version, "not Lua 5.4");
        }
        if self.u8()? != FORMAT {
            return err(Why::Format, "not the official format");
        }
        if self.take(LUAC_DATA.len())? != LUAC_DATA {
            return corrupt("LUAC_DATA");
        }
        for (size, why) in [
            (INSTRUCTION_SIZE, Why::InstructionSize),
            (INTEGER_SIZE, Why::IntegerSize),
            (NUMBER_SIZE, Why::NumberSize),
        ] {
            if self.u8()? != size {
                return err(why, "size");
            }
        }
        if i64::from_le_bytes(self.array()?) != LUAC_INT {
            return err(Why::IntegerFormat, "LUAC_INT");
        }
        if f64::from_le_bytes(self.array()?) != LUAC_NUM {
            return err(Why::FloatFormat, "LUAC_NUM");
        }
        Ok(())
    }

    fn function(&mut self, parent_source: Option<&Rc<str>>, depth: usize) -> R<Rc<Proto>> {
        if depth > MAX_PROTO_DEPTH {
            return corrupt("functions nested too deeply");
        }
        let source = match self.uvar()? {
            0 => parent_source.cloned().unwrap_or_else(|| Rc::from("=?")),
            n => {
                let n = usize::try_from(n - 1).unwrap_or(usize::MAX);
                self.text(n)?
            }
        };
        let line_defined = self.unum()?;
        let last_line_defined = self.unum()?;
        let num_params = self.u8()?;
        let flags = self.u8()?;
        if flags > 3 {
            return corrupt(format!("function flags {flags}"));
        }
        let max_registers = self.u8()?;
        let code_len = self.pc()?;
        let n = self.count()?;
        let mut constants = Vec::with_capacity(n);
        for _ in 0..n {
            constants.push(match self.u8()? {
                0 => Constant::Nil,
                1 => Constant::Bool(false),
                2 => Constant::Bool(true),
                3 => Constant::Int(i64::from_le_bytes(self.array()?)),
                4 => Constant::Float(f64::from_bits(u64::from_le_bytes(self.array()?))),
                5 => Constant::Str(Rc::from(self.bytes()?)),
                t => return corrupt(format!("constant tag {t}")),
            });
        }
        let n = self.count()?;
        let mut upvalues = Vec::with_capacity(n);
        for _ in 0..n {
            let in_stack = self.bool()?;
            let index = self.u8()?;
            let name = self.str()?;
            upvalues.push(UpvalDesc {
                name,
                in_stack,
                index,
            });
        }
        let n = self.count()?;
        let mut protos = Vec::with_capacity(n);
        for _ in 0..n {
            let c = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                self.function(Some(&source), depth + 1)
            })?;
            protos.push(c);
        }
        self.nesting = 0;
        let code = self.block()?;
        let debug = self.debug()?;
        Ok(Rc::new(Proto {
            source,
            line_defined,
            last_line_defined,
            num_params,
            is_vararg: flags & 1 != 0,
            max_registers,
            needs_close: flags & 2 != 0,
            code,
            constants,
            protos,
            upvalues,
            debug,
            code_len,
            flat: Default::default(),
        }))
    }

    fn array(&mut self) -> R<[u8; 8]> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(a)
    }

    fn debug(&mut self) -> R<DebugInfo> {
        let n = self.count()?;
        let mut lines = Vec::with_capacity(n);
        let mut prev = 0i64;
        for _ in 0..n {
            let l = prev.checked_add(self.svar()?);
            let Some(l) = l.and_then(|l| u32::try_from(l).ok()) else {
                return corrupt("line out of range");
            };
            lines.push(l);
            prev = l as i64;
        }
        let n = self.count()?;
        let mut locals = Vec::with_capacity(n);
        for _ in 0..n {
            let name = self.str()?;
            let reg = self.u8()?;
            let start_pc = self.pc()?;
            let end_pc = self.pc()?;
            locals.push(LocalVar {
                name,
                reg,
                start_pc,
                end_pc,
            });
        }
        let n = self.count()?;
        let mut names = Vec::with_capacity(n);
        for _ in 0..n {
            let pc = self.pc()?;
            let reg = self.u8()?;
            let kind = match self.u8()? {
                0 => NameKind::Local,
                1 => NameKind::Global,
                2 => NameKind::Field,
                3 => NameKind::Upvalue,
                4 => NameKind::Method,
                5 => NameKind::Constant,
                k => return corrupt(format!("name kind {k}")),
            };
            let name = Rc::from(self.bytes()?);
            names.push(OperandName {
                pc,
                reg,
                kind,
                name,
            });
        }
        Ok(DebugInfo {
            lines,
            locals,
            names,
        })
    }

    fn enter(&mut self) -> R<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return corrupt("blocks nested too deeply");
        }
        Ok(())
    }

    fn block(&mut self) -> R<Block> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.enter()?;
            let n = self.count()?;
            let mut nodes = Vec::with_capacity(n);
            for _ in 0..n {
                nodes.push(self.node()?);
            }
            self.nesting -= 1;
            Ok(Block { nodes })
        })
    }

    fn node(&mut self) -> R<Node> {
        Ok(match self.u8()? {
            0 => {
                let op = self.op()?;
                let pc = self.pc()?;
                Node::Op { op, pc }
            }
            1 => {
                let cond = self.cond()?;
                let then_ = self.block()?;
                let else_ = self.block()?;
                let jump_pc = self.pc()?;
                Node::If(Box::new(If {
                    cond,
                    then_,
                    else_,
                    jump_pc,
                }))
            }
            2 => {
                let cond = self.cond()?;
                let body = self.block()?;
                let back_pc = self.pc()?;
                Node::While(Box::new(While {
                    cond,
                    body,
                    back_pc,
                }))
            }
            3 => {
                let body = self.block()?;
                let cond = self.cond()?;
                Node::Repeat(Box::new(Repeat { body, cond }))
            }
            4 => {
                let body = self.block()?;
                let back_pc = self.pc()?;
                Node::Loop(Box::new(Loop { body, back_pc }))
            }
            5 => {
                let base = self.u8()?;
                let prep_pc = self.pc()?;
                let loop_pc = self.pc()?;
                let body = self.block()?;
                Node::NumericFor(Box::new(NumericFor {
                    base,
                    body,
                    prep_pc,
                    loop_pc,
                }))
            }
            6 => {
                let base = self.u8()?;
                let nvars = self.u8()?;
                let prep_pc = self.pc()?;
                let call_pc = self.pc()?;
                let loop_pc = self.pc()?;
                let body = self.block()?;
                Node::GenericFor(Box::new(GenericFor {
                    base,
                    nvars,
                    body,
                    prep_pc,
                    call_pc,
                    loop_pc,
                }))
            }
            7 => {
                let levels = self.unum()?;
                let pc = self.pc()?;
                Node::Break { levels, pc }
            }
            8 => {
                let levels = self.unum()?;
                let target = self.unum()?;
                let pc = self.pc()?;
                Node::Goto { levels, target, pc }
            }
            t => return corrupt(format!("node tag {t} at {}", self.pos - 1)),
        })
    }

    fn cond(&mut self) -> R<Cond> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.enter()?;
            let c = match self.u8()? {
                0 => {
                    let pre = self.block()?;
                    let test = self.test()?;
                    let negate = self.bool()?;
                    let pc = self.pc()?;
                    Cond::Leaf {
                        pre,
                        test,
                        negate,
                        pc,
                    }
                }
                t @ (1 | 2) => {
                    let n = self.unum()?;
                    let a = Box::new(self.cond()?);
                    let b = Box::new(self.cond()?);
                    if t == 1 {
                        Cond::And(a, b, n)
                    } else {
                        Cond::Or(a, b, n)
                    }
                }
                t => return corrupt(format!("condition tag {t} at {}", self.pos - 1)),
            };
            self.nesting -= 1;
            Ok(c)
        })
    }

    fn test(&mut self) -> R<Test> {
        let tag = self.u8()?;
        let a = self.u8()?;
        if tag == 0 {
            return Ok(Test::Truthy(a));
        }
        let b = self.u8()?;
        Ok(match tag {
            1 => Test::Eq(a, b),
            2 => Test::Lt(a, b),
            3 => Test::Le(a, b),
            4 => Test::EqK(a, b),
            5 => Test::EqI(a, b as i8),
            6 => Test::LtI(a, b as i8),
            7 => Test::LeI(a, b as i8),
            8 => Test::GtI(a, b as i8),
            9 => Test::GeI(a, b as i8),
            t => return corrupt(format!("test tag {t}")),
        })
    }

    fn rk(&mut self) -> R<RK> {
        Ok(match self.u8()? {
            0 => RK::R(self.u8()?),
            1 => RK::K(self.unum()?),
            t => return corrupt(format!("RK tag {t}")),
        })
    }

    fn regs<const N: usize>(&mut self) -> R<[u8; N]> {
        let b = self.take(N)?;
        let mut a = [0; N];
        a.copy_from_slice(b);
        Ok(a)
    }

    fn op(&mut self) -> R<Op> {
        use Op::*;
        let code = self.u8()?;
        Ok(match code {
            0 => {
                let [dst, src] = self.regs()?;
                Move { dst, src }
            }
            1 | 2 => {
                let dst = self.u8()?;
                let value = self.snum()?;
                if code == 1 {
                    LoadI { dst, value }
                } else {
                    LoadF { dst, value }
                }
            }
            3 => {
                let dst = self.u8()?;
                LoadK {
                    dst,
                    k: self.unum()?,
                }
            }
            4 => LoadFalse { dst: self.u8()? },
            5 => LoadTrue { dst: self.u8()? },
            6 => {
                let [dst, n] = self.regs()?;
                LoadNil { dst, n }
            }
            7 => {
                let [dst, up] = self.regs()?;
                GetUpval { dst, up }
            }
            8 => {
                let [up, src] = self.regs()?;
                SetUpval { up, src }
            }
            9 => {
                let [dst, up] = self.regs()?;
                GetTabUp {
                    dst,
                    up,
                    key: self.unum()?,
                }
            }
            10 => {
                let [dst, obj, key] = self.regs()?;
                GetTable { dst, obj, key }
            }
            11 | 12 | 18 => {
                let [dst, obj] = self.regs()?;
                let key = self.unum()?;
                match code {
                    11 => GetI {
                        dst,
                        obj,
                        index: key,
                    },
                    12 => GetField { dst, obj, key },
                    _ => Method { dst, obj, key },
                }
            }
            13 => {
                let up = self.u8()?;
                let key = self.unum()?;
                SetTabUp {
                    up,
                    key,
                    val: self.rk()?,
                }
            }
            14 => {
                let [obj, key] = self.regs()?;
                SetTable {
                    obj,
                    key,
                    val: self.rk()?,
                }
            }
            15 | 16 => {
                let obj = self.u8()?;
                let key = self.unum()?;
                let val = self.rk()?;
                if code == 15 {
                    SetI {
                        obj,
                        index: key,
                        val,
                    }
                } else {
                    SetField { obj, key, val }
                }
            }
            17 => {
                let dst = self.u8()?;
                let array = self.unum()?;
                let hash = self.unum()?;
                NewTable { dst, array, hash }
            }
            19..=30 => {
                let [dst, a, b] = self.regs()?;
                match code {
                    19 => Add { dst, a, b },
                    20 => Sub { dst, a, b },
                    21 => Mul { dst, a, b },
                    22 => Mod { dst, a, b },
                    23 => Pow { dst, a, b },
                    24 => Div { dst, a, b },
                    25 => IDiv { dst, a, b },
                    26 => BAnd { dst, a, b },
                    27 => BOr { dst, a, b },
                    28 => BXor { dst, a, b },
                    29 => Shl { dst, a, b },
                    _ => Shr { dst, a, b },
                }
            }
            31..=40 => {
                let [dst, a] = self.regs()?;
                let k = self.unum()?;
                match code {
                    31 => AddK { dst, a, k },
                    32 => SubK { dst, a, k },
                    33 => MulK { dst, a, k },
                    34 => ModK { dst, a, k },
                    35 => PowK { dst, a, k },
                    36 => DivK { dst, a, k },
                    37 => IDivK { dst, a, k },
                    38 => BAndK { dst, a, k },
                    39 => BOrK { dst, a, k },
                    _ => BXorK { dst, a, k },
                }
            }
            41..=44 => {
                let [dst, a] = self.regs()?;
                let imm = self.snum()?;
                match code {
                    41 => AddI { dst, a, imm },
                    42 => SubI { dst, a, imm },
                    43 => ShlI { dst, a, imm },
                    _ => ShrI { dst, a, imm },
                }
            }
            45..=48 => {
                let [dst, src] = self.regs()?;
                match code {
                    45 => Unm { dst, src },
                    46 => BNot { dst, src },
                    47 => Not { dst, src },
                    _ => Len { dst, src },
                }
            }
            49 => {
                let [first, n] = self.regs()?;
                Concat { first, n }
            }
            50 => Close { from: self.u8()? },
            51 => Tbc { reg: self.u8()? },
            52 => {
                let [func, nargs, nresults] = self.regs()?;
                Call {
                    func,
                    nargs,
                    nresults,
                }
            }
            53 => {
                let [func, nargs] = self.regs()?;
                TailCall { func, nargs }
            }
            54 => {
                let [first, n] = self.regs()?;
                Return { first, n }
            }
            55 => Return0,
            56 => Return1 { src: self.u8()? },
            57 => {
                let [dst, n] = self.regs()?;
                Vararg { dst, n }
            }
            58 => {
                let dst = self.u8()?;
                Closure {
                    dst,
                    proto: self.unum()?,
                }
            }
            59 => {
                let [table, n] = self.regs()?;
                SetList {
                    table,
                    n,
                    offset: self.unum()?,
                }
            }
            60 => Jmp {
                target: self.unum()?,
            },
            61 | 62 => {
                let test = self.test()?;
                let target = self.unum()?;
                Op::cond_jump(test, code == 61, target)
            }
            63 | 64 | 65 | 67 => {
                let base = self.u8()?;
                let target = self.unum()?;
                match code {
                    63 => ForPrep { base, target },
                    64 => ForLoop { base, target },
                    65 => TForPrep { base, target },
                    _ => TForLoop { base, target },
                }
            }
            66 => {
                let [base, nvars] = self.regs()?;
                TForCall { base, nvars }
            }
            c => return corrupt(format!("opcode {c} at {}", self.pos - 1)),
        })
    }
}
