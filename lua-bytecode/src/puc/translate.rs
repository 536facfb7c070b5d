//! PUC-Rio 5.4 instructions ([`PucProto`]) to luna's structured code.
//!
//! # Shape
//!
//! A function body is one block of nodes in PUC's instruction order;
//! each numeric or generic `for` loop is one node whose body is a nested
//! block (PUC lays loops out exactly as [`crate::flatten()`] does:
//! `FORPREP body FORLOOP`, `TFORPREP body TFORCALL TFORLOOP`). Every
//! other jump becomes a `Goto { levels, target }`: `target` is the node
//! of the jump's PUC target in the innermost enclosing block that holds
//! it as a node (a loop body's end is its `FORLOOP`/`TFORCALL`, "the
//! next iteration"); a target that is no node of an enclosing block (the
//! inside of a loop the jump is not in, the middle of an instruction
//! pair, past the code) is refused. A test and its `JMP` become an `If`
//! whose then-branch is that `Goto` (one flat conditional jump);
//! `TESTSET` adds the copy before the `Goto`.
//!
//! # Instructions
//!
//! Most are one luna `Op` with the same operands. Pairs: an arithmetic
//! instruction and its `MMBIN*` are one luna instruction (which calls the
//! metamethod itself); its event decides which, since PUC codes `x - k`
//! as `ADDI x -k` with a `SUB` event and `x << k` as `SHRI x -k` with a
//! `SHL` event. A *flipped* `MMBINI`/`MMBINK` (`1 + x`, coded `ADDI x 1`)
//! calls the metamethod as `(k, x)` where luna's immediate and constant
//! forms call it as `(x, k)`: the constant goes into a scratch register
//! (PUC's `maxstacksize`, one above its frame) and the register form runs
//! with the operands in source order. The same scratch register holds an
//! immediate comparison's operand that luna's `Test` cannot carry (128,
//! or a float: `x < 1.0` calls `__lt` with a float). `LOADKX`,
//! `NEWTABLE` and `SETLIST` take their `EXTRAARG`; `LFALSESKIP` is a
//! `LoadFalse` and a `Goto` over the next instruction; the `RETURN` after
//! a `TAILCALL` (never reached in 5.4.6) is dropped; `VARARGPREP` (the
//! first instruction of a vararg function) is dropped; a `RETURN` of no
//! values is `Return0` (its register may be the one above the frame).
//! `SELF` with a register key is a `Move` and a `GetTable`. The `k` flag
//! of `RETURN` and `TAILCALL` (close upvalues first) becomes
//! [`Proto::needs_close`](crate::Proto::needs_close).
//!
//! # The frame and the debug information
//!
//! PUC's `maxstacksize` is at least 2; luna's frame is exactly the
//! registers the code names (luna's stack limit counts it, so a deep
//! recursion overflows at the depth it does from source), within PUC's
//! frame, or PUC's frame plus the scratch register. Each luna
//! instruction records the PUC pc it comes from (for its line), each PUC
//! pc the luna pc where its translation starts (for the live ranges of
//! local variables); [`super::names`] names the operands.

use std::rc::Rc;

use super::names::{self, Query};
use super::reader::PucProto;
use super::*;
use crate::opcode::{MULTRET, Op, RK, Reg, Test};
use crate::proto::{
    Block, Cond, DebugInfo, GenericFor, If, LocalVar, Node, NumericFor, OperandName, Proto,
    UpvalDesc,
};
use crate::verify::{MAX_NESTING, MAX_PROTO_DEPTH, RED_ZONE, STACK_SEGMENT};

type R<T> = Result<T, String>;

/// Translate `p` and the functions nested in it. `Err` says why the code
/// cannot be translated (the chunk is then a "corrupted chunk").
pub fn translate(p: &PucProto) -> R<Rc<Proto>> {
    translate_fn(p, 0)
}

fn translate_fn(p: &PucProto, depth: usize) -> R<Rc<Proto>> {
    if depth > MAX_PROTO_DEPTH {
        return Err("functions nested too deeply".into());
    }
    let mut protos = Vec::with_capacity(p.protos.len());
    for c in &p.protos {
        protos.push(stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            translate_fn(c, depth + 1)
        })?);
    }
    let n = p.code.len();
    if n == 0 || n > crate::verify::MAX_CODE_LEN as usize {
        return Err(format!("{n} instructions"));
    }
    if !p.lineinfo.is_empty() && p.lineinfo.len() != n {
        return Err(format!("{} lines for {n} instructions", p.lineinfo.len()));
    }
    let mut t = Tr {
        p,
        next_pc: 0,
        origins: Vec::with_capacity(n),
        lpc_of: vec![u32::MAX; n + 1],
        blocks: Vec::new(),
        gotos: Vec::new(),
        queries: Vec::new(),
        needs_close: false,
        scratch_used: false,
        depth: 0,
    };
    let mut code = t.block(0, n as u32, false, None)?;
    t.resolve_gotos(&mut code)?;
    let code_len = t.next_pc;
    // PUC pcs without an instruction of their own (an `MMBIN`, the `JMP`
    // of a test, `VARARGPREP`...) map to the next luna instruction.
    t.lpc_of[n] = code_len;
    for i in (0..n).rev() {
        if t.lpc_of[i] == u32::MAX {
            t.lpc_of[i] = t.lpc_of[i + 1];
        }
    }
    let debug = t.debug(code_len);
    let captures = protos.iter().flat_map(|c: &Rc<Proto>| &c.upvalues);
    let needs_close = t.needs_close || captures.clone().any(|u| u.in_stack);
    // The frame: PUC's `maxstacksize` is at least 2 ("registers 0/1 are
    // always valid"), luna's is exactly what the code names (the runtime's
    // stack limit counts it), so what the code names, within PUC's frame;
    // or PUC's frame and the scratch register above it.
    let max_registers = if t.scratch_used {
        p.max_stack + 1
    } else {
        let locals = debug.locals.iter().map(|l| l.reg as u32 + 1);
        let captured = captures.filter(|u| u.in_stack).map(|u| u.index as u32 + 1);
        let need = frame_size(&code)
            .max(p.num_params as u32)
            .max(locals.max().unwrap_or(0))
            .max(captured.max().unwrap_or(0));
        if need > p.max_stack as u32 {
            return Err(format!(
                "the code names register {}, the frame has {}",
                need - 1,
                p.max_stack
            ));
        }
        need as u8
    };
    let source = match &p.source {
        Some(s) => Rc::from(String::from_utf8_lossy(s)),
        None => Rc::from("=?"),
    };
    let upvalues = p
        .upvalues
        .iter()
        .map(|u| UpvalDesc {
            name: u
                .name
                .as_deref()
                .map_or_else(|| Rc::from(""), |n| Rc::from(String::from_utf8_lossy(n))),
            in_stack: u.in_stack,
            index: u.index,
        })
        .collect();
    Ok(Rc::new(Proto {
        source,
        line_defined: p.line_defined.max(0) as u32,
        last_line_defined: p.last_line_defined.max(0) as u32,
        num_params: p.num_params,
        is_vararg: p.is_vararg,
        max_registers,
        needs_close,
        code,
        constants: p.constants.clone(),
        protos,
        upvalues,
        debug,
        code_len,
        flat: Default::default(),
    }))
}

/// A block being built, for resolving jumps into it.
struct BlockInfo {
    parent: Option<usize>,
    /// The PUC pcs it covers.
    start: u32,
    end: u32,
    loop_body: bool,
    /// `(PUC pc, node index)` of each instruction (unit) that starts in
    /// it, in order.
    starts: Vec<(u32, u32)>,
    len: u32,
}

/// A jump whose target is resolved once every block is built.
struct PendingGoto {
    block: usize,
    /// Inside an `If`'s then-branch: one more block to leave.
    in_branch: bool,
    target: u32,
}

struct Tr<'p> {
    p: &'p PucProto,
    next_pc: u32,
    /// The PUC pc each luna instruction comes from.
    origins: Vec<u32>,
    /// The luna pc of each PUC instruction (`u32::MAX`: none of its own).
    lpc_of: Vec<u32>,
    blocks: Vec<BlockInfo>,
    gotos: Vec<PendingGoto>,
    queries: Vec<Query>,
    needs_close: bool,
    scratch_used: bool,
    /// Loops open around the block being built.
    depth: usize,
}

/// The jump of a comparison: `(R[a] op R[b]) == k` jumps.
fn leaf(pre: Block, test: Test, k: bool, pc: u32) -> Cond {
    Cond::Leaf {
        pre,
        test,
        negate: !k,
        pc,
    }
}

fn rk(k: bool, c: u8) -> RK {
    if k { RK::K(c as u16) } else { RK::R(c) }
}

/// A count operand of PUC (`B`/`C` of `CALL`, `RETURN`, `VARARG`): 0 is
/// "up to top", otherwise one more than the count.
fn count(x: u8) -> u8 {
    if x == 0 { MULTRET } else { x - 1 }
}

impl<'p> Tr<'p> {
    fn code(&self, pc: u32) -> Option<u32> {
        self.p.code.get(pc as usize).copied()
    }

    /// The next luna pc, for an instruction from PUC pc `origin`.
    fn next(&mut self, origin: u32) -> u32 {
        let pc = self.next_pc;
        self.next_pc += 1;
        self.origins.push(origin);
        pc
    }

    /// Append an ordinary instruction from PUC pc `origin`, and the
    /// operands it may name in an error.
    fn op(&mut self, nodes: &mut Vec<Node>, op: Op, origin: u32) {
        let pc = self.next(origin);
        // The scratch register (above PUC's frame) has no name.
        let scratch = self.p.max_stack;
        let mut name = |reg: Reg| {
            if reg != scratch {
                self.queries.push(Query {
                    puc_pc: origin,
                    reg,
                    pc,
                });
            }
        };
        use Op::*;
        match op {
            GetTable { obj, .. }
            | GetI { obj, .. }
            | GetField { obj, .. }
            | Method { obj, .. }
            | SetTable { obj, .. }
            | SetI { obj, .. }
            | SetField { obj, .. } => name(obj),
            Add { a, b, .. }
            | Sub { a, b, .. }
            | Mul { a, b, .. }
            | Mod { a, b, .. }
            | Pow { a, b, .. }
            | Div { a, b, .. }
            | IDiv { a, b, .. }
            | BAnd { a, b, .. }
            | BOr { a, b, .. }
            | BXor { a, b, .. }
            | Shl { a, b, .. }
            | Shr { a, b, .. } => {
                // (Named once if a == b: `debug` drops duplicates.)
                name(a);
                name(b);
            }
            AddK { a, .. }
            | SubK { a, .. }
            | MulK { a, .. }
            | ModK { a, .. }
            | PowK { a, .. }
            | DivK { a, .. }
            | IDivK { a, .. }
            | BAndK { a, .. }
            | BOrK { a, .. }
            | BXorK { a, .. }
            | AddI { a, .. }
            | SubI { a, .. }
            | ShlI { a, .. }
            | ShrI { a, .. } => name(a),
            Unm { src, .. } | BNot { src, .. } | Len { src, .. } => name(src),
            Concat { first, n } => {
                for r in first as u32..(first as u32 + n as u32).min(256) {
                    name(r as Reg);
                }
            }
            Call { func, .. } | TailCall { func, .. } => name(func),
            _ => {}
        }
        nodes.push(Node::Op { op, pc });
    }

    /// The scratch register (one above PUC's frame).
    fn scratch(&mut self) -> R<Reg> {
        if self.p.max_stack == u8::MAX {
            return Err("no register left for a scratch value".into());
        }
        self.scratch_used = true;
        Ok(self.p.max_stack)
    }

    /// A `Goto` at luna pc `pc` to PUC pc `target`, resolved later
    /// (`in_branch`: it is an `If`'s then-branch).
    fn goto(&mut self, block: usize, in_branch: bool, target: i64, pc: u32) -> R<Node> {
        let Ok(target) = u32::try_from(target) else {
            return Err(format!("a jump to pc {target}"));
        };
        let id = self.gotos.len() as u32;
        self.gotos.push(PendingGoto {
            block,
            in_branch,
            target,
        });
        Ok(Node::Goto {
            levels: 0,
            target: id,
            pc,
        })
    }

    /// Build the block of PUC pcs `start..end`.
    fn block(&mut self, start: u32, end: u32, loop_body: bool, parent: Option<usize>) -> R<Block> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            let id = self.blocks.len();
            self.blocks.push(BlockInfo {
                parent,
                start,
                end,
                loop_body,
                starts: Vec::new(),
                len: 0,
            });
            let mut nodes = Vec::new();
            let mut pc = start;
            while pc < end {
                self.blocks[id].starts.push((pc, nodes.len() as u32));
                self.lpc_of[pc as usize] = self.next_pc;
                pc = self.unit(pc, end, id, &mut nodes)?;
            }
            self.blocks[id].len = nodes.len() as u32;
            Ok(Block { nodes })
        })
    }

    /// Translate the instruction at `pc` (with the ones it takes along),
    /// in the block `id` that ends at `end`; returns the next pc.
    fn unit(&mut self, pc: u32, end: u32, id: usize, nodes: &mut Vec<Node>) -> R<u32> {
        let i = self.p.code[pc as usize];
        let (a, b, c, k) = (arg_a(i), arg_b(i), arg_c(i), arg_k(i));
        // The instruction after this one, when it belongs to this block.
        let next = (pc + 1 < end).then(|| self.p.code[pc as usize + 1]);
        let extra = |what: &str| match next {
            Some(x) if opcode(x) == OP_EXTRAARG => Ok(arg_ax(x)),
            _ => Err(format!("pc {pc}: {what} without its EXTRAARG")),
        };
        let mut len = 1;
        let op = match opcode(i) {
            OP_MOVE => Op::Move { dst: a, src: b },
            OP_LOADI => Op::LoadI {
                dst: a,
                value: arg_sbx(i),
            },
            OP_LOADF => Op::LoadF {
                dst: a,
                value: arg_sbx(i),
            },
            OP_LOADK => Op::LoadK {
                dst: a,
                k: arg_bx(i),
            },
            OP_LOADKX => {
                len = 2;
                Op::LoadK {
                    dst: a,
                    k: extra("LOADKX")?,
                }
            }
            OP_LOADFALSE => Op::LoadFalse { dst: a },
            OP_LFALSESKIP => {
                self.op(nodes, Op::LoadFalse { dst: a }, pc);
                let gpc = self.next(pc);
                let g = self.goto(id, false, pc as i64 + 2, gpc)?;
                nodes.push(g);
                return Ok(pc + 1);
            }
            OP_LOADTRUE => Op::LoadTrue { dst: a },
            OP_LOADNIL => {
                if b == u8::MAX {
                    return Err(format!("pc {pc}: LOADNIL of 256 registers"));
                }
                Op::LoadNil { dst: a, n: b + 1 }
            }
            OP_GETUPVAL => Op::GetUpval { dst: a, up: b },
            OP_SETUPVAL => Op::SetUpval { up: b, src: a },
            OP_GETTABUP => Op::GetTabUp {
                dst: a,
                up: b,
                key: c as u16,
            },
            OP_GETTABLE => Op::GetTable {
                dst: a,
                obj: b,
                key: c,
            },
            OP_GETI => Op::GetI {
                dst: a,
                obj: b,
                index: c as u16,
            },
            OP_GETFIELD => Op::GetField {
                dst: a,
                obj: b,
                key: c as u16,
            },
            OP_SETTABUP => Op::SetTabUp {
                up: a,
                key: b as u16,
                val: rk(k, c),
            },
            OP_SETTABLE => Op::SetTable {
                obj: a,
                key: b,
                val: rk(k, c),
            },
            OP_SETI => Op::SetI {
                obj: a,
                index: b as u16,
                val: rk(k, c),
            },
            OP_SETFIELD => Op::SetField {
                obj: a,
                key: b as u16,
                val: rk(k, c),
            },
            OP_NEWTABLE => {
                len = 2;
                let high = extra("NEWTABLE")?;
                let array = c as u64 + if k { high as u64 * 256 } else { 0 };
                let hash = if b == 0 { 0 } else { 1u64 << (b - 1).min(16) };
                Op::NewTable {
                    dst: a,
                    array: array.min(u16::MAX as u64) as u16,
                    hash: hash.min(u16::MAX as u64) as u16,
                }
            }
            OP_SELF if k => Op::Method {
                dst: a,
                obj: b,
                key: c as u16,
            },
            OP_SELF => {
                // R[a+1] := R[b]; R[a] := R[b][R[c]], the key read first.
                let Some(a1) = a.checked_add(1) else {
                    return Err(format!("pc {pc}: SELF into register 255"));
                };
                let copy = Op::Move { dst: a1, src: b };
                let get = |dst| Op::GetTable {
                    dst,
                    obj: b,
                    key: c,
                };
                if c != a1 {
                    self.op(nodes, copy, pc);
                    self.op(nodes, get(a), pc);
                } else if b != a {
                    self.op(nodes, get(a), pc);
                    self.op(nodes, copy, pc);
                } else {
                    let s = self.scratch()?;
                    self.op(nodes, get(s), pc);
                    self.op(nodes, copy, pc);
                    self.op(nodes, Op::Move { dst: a, src: s }, pc);
                }
                return Ok(pc + 1);
            }
            OP_ADDI..=OP_SHR => return self.arith(pc, i, next, nodes),
            OP_UNM => Op::Unm { dst: a, src: b },
            OP_BNOT => Op::BNot { dst: a, src: b },
            OP_NOT => Op::Not { dst: a, src: b },
            OP_LEN => Op::Len { dst: a, src: b },
            OP_CONCAT => Op::Concat { first: a, n: b },
            OP_CLOSE => Op::Close { from: a },
            OP_TBC => {
                self.needs_close = true;
                Op::Tbc { reg: a }
            }
            OP_JMP => {
                let gpc = self.next(pc);
                let g = self.goto(id, false, pc as i64 + 1 + arg_sj(i) as i64, gpc)?;
                nodes.push(g);
                return Ok(pc + 1);
            }
            OP_EQ..=OP_TESTSET => {
                let Some(jmp) = next.filter(|&x| opcode(x) == OP_JMP) else {
                    return Err(format!("pc {pc}: a test not followed by a jump"));
                };
                let target = pc as i64 + 2 + arg_sj(jmp) as i64;
                let node = self.test(pc, i, target, id)?;
                nodes.push(node);
                return Ok(pc + 2);
            }
            OP_CALL => Op::Call {
                func: a,
                nargs: count(b),
                nresults: count(c),
            },
            OP_TAILCALL => {
                self.needs_close |= k;
                // The RETURN that follows is never reached.
                if next.is_some_and(|x| opcode(x) == OP_RETURN) {
                    len = 2;
                }
                Op::TailCall {
                    func: a,
                    nargs: count(b),
                }
            }
            OP_RETURN => {
                self.needs_close |= k;
                // No values: A may be the register above the frame.
                if b == 1 {
                    Op::Return0
                } else {
                    Op::Return {
                        first: a,
                        n: count(b),
                    }
                }
            }
            OP_RETURN0 => Op::Return0,
            OP_RETURN1 => Op::Return1 { src: a },
            OP_FORPREP => return self.numeric_for(pc, i, end, id, nodes),
            OP_TFORPREP => return self.generic_for(pc, i, end, id, nodes),
            OP_SETLIST => {
                if b == u8::MAX {
                    return Err(format!("pc {pc}: SETLIST of 255 values"));
                }
                let mut offset = c as u64;
                if k {
                    len = 2;
                    offset += extra("SETLIST")? as u64 * 256;
                }
                Op::SetList {
                    table: a,
                    n: if b == 0 { MULTRET } else { b },
                    offset: u32::try_from(offset).map_err(|_| format!("pc {pc}: SETLIST"))?,
                }
            }
            OP_CLOSURE => Op::Closure {
                dst: a,
                proto: arg_bx(i),
            },
            OP_VARARG => Op::Vararg {
                dst: a,
                n: count(c),
            },
            OP_VARARGPREP if pc == 0 => return Ok(1),
            op => return Err(format!("pc {pc}: opcode {op} out of place")),
        };
        self.op(nodes, op, pc);
        Ok(pc + len)
    }

    /// An arithmetic or bitwise instruction and the `MMBIN*` after it.
    fn arith(&mut self, pc: u32, i: u32, next: Option<u32>, nodes: &mut Vec<Node>) -> R<u32> {
        let (dst, x, c) = (arg_a(i), arg_b(i), arg_c(i));
        let bad = || format!("pc {pc}: an operation without its MMBIN");
        let mm = next.ok_or_else(bad)?;
        let (mm_a, mm_b, event, flip) = (arg_a(mm), arg_b(mm), arg_c(mm), arg_k(mm));
        let op = opcode(i);
        let expected_mm = match op {
            OP_ADDI | OP_SHRI | OP_SHLI => OP_MMBINI,
            OP_ADDK..=OP_BXORK => OP_MMBINK,
            _ => OP_MMBIN,
        };
        if opcode(mm) != expected_mm || mm_a != x {
            return Err(bad());
        }
        // The event of the instruction itself, in lopcodes.h's order (ADD
        // is TM_ADD's 6 and so on; the K forms have no SHL/SHR).
        let own_event = |first: u8| op - first + TM_ADD;
        let imm = signed(c) as i16;
        let k = c as u16;
        let built = match op {
            OP_ADDI | OP_SHRI | OP_SHLI => {
                let mm_imm = signed(mm_b) as i16;
                match (op, event, flip) {
                    (OP_ADDI, TM_ADD, false) if mm_imm == imm => Op::AddI { dst, a: x, imm },
                    (OP_ADDI, TM_SUB, false) if mm_imm == -imm => Op::SubI {
                        dst,
                        a: x,
                        imm: mm_imm,
                    },
                    (OP_SHRI, TM_SHR, false) if mm_imm == imm => Op::ShrI { dst, a: x, imm },
                    (OP_SHRI, TM_SHL, false) if mm_imm == -imm => Op::ShlI {
                        dst,
                        a: x,
                        imm: mm_imm,
                    },
                    (OP_ADDI, TM_ADD, true) | (OP_SHLI, TM_SHL, true) if mm_imm == imm => {
                        let s = self.scratch()?;
                        self.op(
                            nodes,
                            Op::LoadI {
                                dst: s,
                                value: imm as i32,
                            },
                            pc,
                        );
                        reg_form(event, dst, s, x)
                    }
                    _ => return Err(bad()),
                }
            }
            OP_ADDK..=OP_BXORK => {
                let event_ok = event == own_event(OP_ADDK) && mm_b == c;
                if !event_ok {
                    return Err(bad());
                }
                if flip {
                    let s = self.scratch()?;
                    self.op(
                        nodes,
                        Op::LoadK {
                            dst: s,
                            k: k as u32,
                        },
                        pc,
                    );
                    reg_form(event, dst, s, x)
                } else {
                    k_form(event, dst, x, k)
                }
            }
            _ => {
                if event != own_event(OP_ADD) || mm_b != c {
                    return Err(bad());
                }
                reg_form(event, dst, x, c)
            }
        };
        self.op(nodes, built, pc);
        Ok(pc + 2)
    }

    /// A test at `pc` (instruction `i`) whose `JMP` goes to `target`.
    fn test(&mut self, pc: u32, i: u32, target: i64, id: usize) -> R<Node> {
        let (a, b, c, k) = (arg_a(i), arg_b(i), arg_c(i), arg_k(i));
        let mut pre = Vec::new();
        let imm = signed(b);
        // An immediate luna's `Test` carries (an integer that fits `i8`;
        // a float operand needs a register, so that a metamethod sees it).
        let small = if c == 0 || opcode(i) == OP_EQI {
            i8::try_from(imm).ok()
        } else {
            None
        };
        let mut in_scratch = |t: &mut Self| -> R<Reg> {
            let s = t.scratch()?;
            let load = if c == 0 || opcode(i) == OP_EQI {
                Op::LoadI { dst: s, value: imm }
            } else {
                Op::LoadF { dst: s, value: imm }
            };
            t.op(&mut pre, load, pc);
            Ok(s)
        };
        let test = match opcode(i) {
            OP_EQ => Test::Eq(a, b),
            OP_LT => Test::Lt(a, b),
            OP_LE => Test::Le(a, b),
            OP_EQK => Test::EqK(a, b),
            OP_EQI => match small {
                Some(v) => Test::EqI(a, v),
                None => Test::Eq(a, in_scratch(self)?),
            },
            OP_LTI => match small {
                Some(v) => Test::LtI(a, v),
                None => Test::Lt(a, in_scratch(self)?),
            },
            OP_LEI => match small {
                Some(v) => Test::LeI(a, v),
                None => Test::Le(a, in_scratch(self)?),
            },
            OP_GTI => match small {
                Some(v) => Test::GtI(a, v),
                None => Test::Lt(in_scratch(self)?, a),
            },
            OP_GEI => match small {
                Some(v) => Test::GeI(a, v),
                None => Test::Le(in_scratch(self)?, a),
            },
            OP_TEST => Test::Truthy(a),
            // OP_TESTSET
            _ => {
                let lpc = self.next(pc);
                let mut then_ = Vec::new();
                self.op(&mut then_, Op::Move { dst: a, src: b }, pc);
                let gpc = self.next(pc);
                then_.push(self.goto(id, true, target, gpc)?);
                return Ok(Node::If(Box::new(If {
                    cond: leaf(Block::default(), Test::Truthy(b), k, lpc),
                    then_: Block { nodes: then_ },
                    else_: Block::default(),
                    jump_pc: 0,
                })));
            }
        };
        let lpc = self.next(pc);
        // Folded into the condition's jump: no pc of its own.
        let jump = self.goto(id, true, target, lpc)?;
        Ok(Node::If(Box::new(If {
            cond: leaf(Block { nodes: pre }, test, k, lpc),
            then_: Block { nodes: vec![jump] },
            else_: Block::default(),
            jump_pc: 0,
        })))
    }

    fn enter_loop(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth >= MAX_NESTING / 2 {
            return Err("loops nested too deeply".into());
        }
        Ok(())
    }

    /// `FORPREP` at `pc`, its body and its `FORLOOP`.
    fn numeric_for(
        &mut self,
        pc: u32,
        i: u32,
        end: u32,
        id: usize,
        nodes: &mut Vec<Node>,
    ) -> R<u32> {
        let base = arg_a(i);
        let last = pc as u64 + 1 + arg_bx(i) as u64;
        let ok = last < end as u64
            && self.code(last as u32).is_some_and(|x| {
                opcode(x) == OP_FORLOOP
                    && arg_a(x) == base
                    && last + 1 == pc as u64 + 1 + arg_bx(x) as u64
            });
        if !ok {
            return Err(format!("pc {pc}: FORPREP without its FORLOOP"));
        }
        let last = last as u32;
        self.enter_loop()?;
        let prep_pc = self.next(pc);
        let body = self.block(pc + 1, last, true, Some(id))?;
        self.lpc_of[last as usize] = self.next_pc;
        let loop_pc = self.next(last);
        self.depth -= 1;
        nodes.push(Node::NumericFor(Box::new(NumericFor {
            base,
            body,
            prep_pc,
            loop_pc,
        })));
        Ok(last + 1)
    }

    /// `TFORPREP` at `pc`, its body, its `TFORCALL` and `TFORLOOP`.
    fn generic_for(
        &mut self,
        pc: u32,
        i: u32,
        end: u32,
        id: usize,
        nodes: &mut Vec<Node>,
    ) -> R<u32> {
        let base = arg_a(i);
        let call = pc as u64 + 1 + arg_bx(i) as u64;
        let instr = |at: u64| {
            if at < end as u64 {
                self.code(at as u32)
            } else {
                None
            }
        };
        let (Some(ci), Some(li)) = (instr(call), instr(call + 1)) else {
            return Err(format!("pc {pc}: TFORPREP without its TFORCALL"));
        };
        let ok = opcode(ci) == OP_TFORCALL
            && arg_a(ci) == base
            && opcode(li) == OP_TFORLOOP
            && arg_a(li) == base
            && call + 2 == pc as u64 + 1 + arg_bx(li) as u64;
        if !ok {
            return Err(format!("pc {pc}: TFORPREP without its TFORCALL"));
        }
        let call = call as u32;
        self.needs_close = true;
        self.enter_loop()?;
        let prep_pc = self.next(pc);
        let body = self.block(pc + 1, call, true, Some(id))?;
        self.lpc_of[call as usize] = self.next_pc;
        let call_pc = self.next(call);
        self.lpc_of[call as usize + 1] = self.next_pc;
        let loop_pc = self.next(call + 1);
        self.depth -= 1;
        nodes.push(Node::GenericFor(Box::new(GenericFor {
            base,
            nvars: arg_c(ci),
            body,
            prep_pc,
            call_pc,
            loop_pc,
        })));
        Ok(call + 2)
    }

    /// Fill in every `Goto`'s levels and node index.
    fn resolve_gotos(&self, b: &mut Block) -> R<()> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            for n in &mut b.nodes {
                match n {
                    Node::Goto { levels, target, .. } => {
                        let (l, t) = self.resolve(&self.gotos[*target as usize])?;
                        *levels = l;
                        *target = t;
                    }
                    Node::If(i) => self.resolve_gotos(&mut i.then_)?,
                    Node::NumericFor(f) => self.resolve_gotos(&mut f.body)?,
                    Node::GenericFor(f) => self.resolve_gotos(&mut f.body)?,
                    _ => {}
                }
            }
            Ok(())
        })
    }

    /// The innermost enclosing block holding PUC pc `g.target` as a node
    /// (or as its end, for a loop body): `(levels, node index)`.
    fn resolve(&self, g: &PendingGoto) -> R<(u32, u32)> {
        let t = g.target;
        let mut levels = g.in_branch as u32;
        let mut b = Some(g.block);
        while let Some(id) = b {
            let info = &self.blocks[id];
            if (info.start..info.end).contains(&t) {
                return match info.starts.binary_search_by_key(&t, |s| s.0) {
                    Ok(i) => Ok((levels, info.starts[i].1)),
                    Err(_) => Err(format!(
                        "a jump to pc {t}, inside a loop or an instruction pair"
                    )),
                };
            }
            if t == info.end && info.loop_body {
                return Ok((levels, info.len));
            }
            levels += 1;
            b = info.parent;
        }
        Err(format!("a jump to pc {t}, outside the code"))
    }

    /// Lines, locals and operand names, by luna pc.
    fn debug(&mut self, code_len: u32) -> DebugInfo {
        let p = self.p;
        let lines = if p.lineinfo.is_empty() {
            Vec::new()
        } else {
            let abs = absolute_lines(p);
            self.origins.iter().map(|&o| abs[o as usize]).collect()
        };
        self.queries.sort_by_key(|q| q.puc_pc);
        let (locals, found) = names::sweep(p, &self.queries);
        let lpc = |puc: u32| self.lpc_of[puc as usize].min(code_len);
        let locals = locals
            .into_iter()
            .map(|l| LocalVar {
                name: l.name,
                reg: l.reg,
                start_pc: lpc(l.start),
                end_pc: lpc(l.end),
            })
            .collect();
        let mut names: Vec<OperandName> = found
            .into_iter()
            .map(|(pc, reg, (kind, name))| OperandName {
                pc,
                reg,
                kind,
                name,
            })
            .collect();
        names.sort_by_key(|n| (n.pc, n.reg));
        names.dedup_by_key(|n| (n.pc, n.reg));
        DebugInfo {
            lines,
            locals,
            names,
        }
    }
}

/// The registers `b` names: one more than the highest.
fn frame_size(b: &Block) -> u32 {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
        let mut need = 0;
        for n in &b.nodes {
            need = need.max(match n {
                Node::Op { op, .. } => op.max_register().map_or(0, |r| r + 1),
                Node::If(i) => match &i.cond {
                    Cond::Leaf { pre, test, .. } => frame_size(pre)
                        .max(test.max_register() + 1)
                        .max(frame_size(&i.then_)),
                    // Translated conditions are leaves.
                    _ => u32::MAX,
                },
                Node::NumericFor(f) => frame_size(&f.body).max(f.base as u32 + 4),
                Node::GenericFor(f) => {
                    let scratch = f.nvars.max(3) as u32;
                    frame_size(&f.body).max(f.base as u32 + 4 + scratch)
                }
                _ => 0,
            });
        }
        need
    })
}

/// The register form of the operation of metamethod event `event`.
fn reg_form(event: u8, dst: Reg, a: Reg, b: Reg) -> Op {
    match event - TM_ADD {
        0 => Op::Add { dst, a, b },
        1 => Op::Sub { dst, a, b },
        2 => Op::Mul { dst, a, b },
        3 => Op::Mod { dst, a, b },
        4 => Op::Pow { dst, a, b },
        5 => Op::Div { dst, a, b },
        6 => Op::IDiv { dst, a, b },
        7 => Op::BAnd { dst, a, b },
        8 => Op::BOr { dst, a, b },
        9 => Op::BXor { dst, a, b },
        10 => Op::Shl { dst, a, b },
        _ => Op::Shr { dst, a, b },
    }
}

/// The constant form of the operation of `event` (ADD to BXOR).
fn k_form(event: u8, dst: Reg, a: Reg, k: u16) -> Op {
    match event - TM_ADD {
        0 => Op::AddK { dst, a, k },
        1 => Op::SubK { dst, a, k },
        2 => Op::MulK { dst, a, k },
        3 => Op::ModK { dst, a, k },
        4 => Op::PowK { dst, a, k },
        5 => Op::DivK { dst, a, k },
        6 => Op::IDivK { dst, a, k },
        7 => Op::BAndK { dst, a, k },
        8 => Op::BOrK { dst, a, k },
        _ => Op::BXorK { dst, a, k },
    }
}

/// The line of every PUC instruction (`luaG_getfuncline`): deltas from
/// `linedefined`, restarting at each `abslineinfo` entry. (Lines a chunk
/// made by hand drives below 0 are 0.)
fn absolute_lines(p: &PucProto) -> Vec<u32> {
    let mut out = Vec::with_capacity(p.lineinfo.len());
    let mut line = p.line_defined as i64;
    let mut abs = p.abslineinfo.iter().peekable();
    for (pc, &d) in p.lineinfo.iter().enumerate() {
        while abs.next_if(|&&(apc, _)| (apc as i64) < pc as i64).is_some() {}
        match abs.peek() {
            Some(&&(apc, l)) if apc as usize == pc => line = l as i64,
            _ => line += d as i64,
        }
        out.push(line.clamp(0, u32::MAX as i64) as u32);
    }
    out
}
