//! The verifier: everything the executors assume of a [`Proto`], checked.
//!
//! The compiler only produces prototypes that pass (a test runs
//! [`verify`] on every compiled function of the repository), and the
//! binary-chunk loader ([`crate::undump()`]) runs it on every prototype it
//! reads, so that a chunk built by hand can only end as a working function
//! or an error, never as a panic or an unchecked access out of bounds.
//!
//! # What the executors rely on
//!
//! - **Registers.** Both executors read and write registers without bounds
//!   checks (lua-runtime's `vm::regs`): every register an instruction,
//!   test or loop names, including whole ranges (call arguments and
//!   results, `LoadNil`, `Concat`, `SetList`, `Return`, a numeric `for`'s
//!   four registers, a generic `for`'s control registers, its results and
//!   the three scratch registers of its call), lies below
//!   `max_registers`. A count of [`MULTRET`] means "up to top" only where
//!   the instruction gives it that meaning (`Call`, `TailCall`, `Return`,
//!   `Vararg`, `SetList`); elsewhere it is a plain count.
//! - **Top.** An instruction that consumes values "up to top" (a `Call` or
//!   `TailCall` with `MULTRET` arguments, a `Return` or `SetList` of
//!   `MULTRET` values) computes a count by subtracting from the stack top
//!   the previous instruction left: it must directly follow (in the same
//!   block) an instruction that sets top (a `Call` with `MULTRET` results
//!   or a `Vararg` of `MULTRET` values) at or above the consumer's first
//!   value, and no `goto` may land on it.
//! - **Indices.** Constants, upvalues and child prototypes are indexed
//!   with bounds checks (a bad one would panic): all are in range. The
//!   field-name constants of `GetTabUp`, `GetField`, `SetTabUp`,
//!   `SetField` and `Method` are strings (the executors look them up as
//!   string keys), the constants of arithmetic `K` instructions are
//!   numbers.
//! - **Closures.** A child's upvalue descriptors capture a register of the
//!   parent's frame (`< max_registers`) or one of the parent's upvalues.
//!   A function that creates such captures, marks to-be-closed variables
//!   or has a generic `for` has `needs_close` set (its returns close them;
//!   an open upvalue or a to-be-closed slot must not outlive the frame).
//!   What is not checked: that a to-be-closed or captured register stays
//!   below the registers later calls use. A chunk may leave one there
//!   (luac5.4.4 does with a to-be-closed one, for a `break` out of a
//!   generic `for` whose body makes a closure), and a call then
//!   overwrites it or cuts it off the stack; the runtime then closes what
//!   the slot holds (lua-runtime's `tbc_value`), or keeps reading an
//!   upvalue's slot cut off the stack, which holds its last value and
//!   stays inside the stack's buffer (lua-runtime's `vm::stack`).
//! - **Loop state.** No instruction inside a numeric `for`'s body (nor
//!   a nested loop, nor a call whose frame would cover them) writes the
//!   loop's state registers `base..base+3`: the executors count the
//!   iterations left in `base+1` and charge fuel (the instruction budget,
//!   interrupts) every 1024th one, so a body that kept resetting the
//!   count would loop without ever being stopped. (A debug hook or an
//!   open upvalue left on those registers can still write them.)
//! - **Structure.** `Break` leaves at least one block and the last block
//!   it leaves is a loop body; `Goto` leaves fewer blocks than enclose it
//!   and targets a node index of the block reached (or its end, except the
//!   function body's end); condition `pre` blocks hold no jumps and no
//!   loops; `And`/`Or` record their left operand's leaf count; only
//!   structured instructions appear (no *flat only* ones).
//! - **Layout.** The pcs recorded in the structured code are exactly the
//!   ones [`crate::flatten()`] lays out, `0..code_len`, each once; the
//!   flat code has exactly `code_len` instructions (nothing appended: the
//!   body ends with an instruction that never falls through and no jump
//!   leaves the code), its jump targets are inside it.
//! - **Debug information.** `lines` has one entry per pc or none
//!   (stripped); locals' ranges lie in `0..=code_len` and their registers
//!   below `max_registers`; operand names are sorted by `(pc, reg)`.
//! - **Bounds.** Nesting is bounded ([`MAX_NESTING`] blocks and condition
//!   nodes in a function, [`MAX_PROTO_DEPTH`] nested functions), so every
//!   recursive pass (flatten, the tree executor's condition walk, drop)
//!   has bounded depth; `num_params <= max_registers`; at most
//!   [`MAX_UPVALUES`] upvalues; `code_len <= MAX_CODE_LEN`.

use crate::flatten::single_jump;
use crate::opcode::{MULTRET, Op, RK, Reg, Test};
use crate::proto::{Block, Cond, Constant, Node, Proto};

/// Most nested functions in a chunk (the parser's nesting limit, 200 C
/// levels, allows fewer).
pub const MAX_PROTO_DEPTH: usize = 200;

/// Most nested blocks and condition nodes within one function. The
/// compiler stays far below (nesting costs parser levels, and long
/// `and`/`or` chains become balanced trees).
pub const MAX_NESTING: usize = 4000;

/// Most upvalues of a function (PUC's `MAXUPVAL`).
pub const MAX_UPVALUES: usize = 255;

/// Most instructions in a function.
pub const MAX_CODE_LEN: u32 = 1 << 28;

/// Check `proto` and every function nested in it (see the module docs).
/// `Err` says what is wrong, and where.
pub fn verify(proto: &Proto) -> Result<(), String> {
    verify_fn(proto, None, 0)
}

fn verify_fn(p: &Proto, parent: Option<&Proto>, depth: usize) -> Result<(), String> {
    if depth > MAX_PROTO_DEPTH {
        return Err("functions nested too deeply".into());
    }
    check_fn(p, parent).map_err(|e| format!("function at line {}: {e}", p.line_defined))?;
    for c in &p.protos {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || verify_fn(c, Some(p), depth + 1))?;
    }
    Ok(())
}

/// Room kept on the stack before a recursive step, and the size of a new
/// segment when there is less (as the compiler does).
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const STACK_SEGMENT: usize = 1024 * 1024;

fn check_fn(p: &Proto, parent: Option<&Proto>) -> Result<(), String> {
    if p.num_params > p.max_registers {
        return Err(format!(
            "{} parameters but {} registers",
            p.num_params, p.max_registers
        ));
    }
    if p.upvalues.len() > MAX_UPVALUES {
        return Err(format!("{} upvalues", p.upvalues.len()));
    }
    if p.code_len > MAX_CODE_LEN {
        return Err(format!("code length {}", p.code_len));
    }
    if let Some(parent) = parent {
        for (i, u) in p.upvalues.iter().enumerate() {
            let ok = if u.in_stack {
                u.index < parent.max_registers
            } else {
                (u.index as usize) < parent.upvalues.len()
            };
            if !ok {
                return Err(format!("upvalue {i} captures a missing slot: {u:?}"));
            }
        }
    }
    let mut c = Checker {
        p,
        pc: 0,
        ctx: Vec::new(),
        nesting: 0,
        in_pre: 0,
        closes: false,
        loop_regs: [0; 256],
    };
    c.block(&p.code, Kind::Body)?;
    if c.pc != p.code_len {
        return Err(format!(
            "the code lays out {} instructions, code_len is {}",
            c.pc, p.code_len
        ));
    }
    let captures = p
        .protos
        .iter()
        .any(|c| c.upvalues.iter().any(|u| u.in_stack));
    if (c.closes || captures) && !p.needs_close {
        return Err("needs_close is not set".into());
    }
    check_debug(p)?;
    check_flat(p)
}

fn check_debug(p: &Proto) -> Result<(), String> {
    let d = &p.debug;
    if !d.lines.is_empty() && d.lines.len() != p.code_len as usize {
        return Err(format!(
            "{} lines for {} instructions",
            d.lines.len(),
            p.code_len
        ));
    }
    for l in &d.locals {
        if l.start_pc > l.end_pc || l.end_pc > p.code_len || l.reg >= p.max_registers {
            return Err(format!("bad local {l:?}"));
        }
    }
    let mut last = (0, 0);
    for n in &d.names {
        if n.pc >= p.code_len || n.reg >= p.max_registers || (n.pc, n.reg) < last {
            return Err(format!("bad operand name {n:?}"));
        }
        last = (n.pc, n.reg);
    }
    Ok(())
}

/// The flat form (built here, and cached, with what was checked above its
/// construction cannot fail) has the promised shape.
fn check_flat(p: &Proto) -> Result<(), String> {
    let code = &p.flat().code;
    if code.len() != p.code_len as usize {
        return Err(format!(
            "the flat code has {} instructions, code_len is {} (the body runs or jumps off its end)",
            code.len(),
            p.code_len
        ));
    }
    if !crate::flatten::ends_closed(code) {
        return Err("the flat code does not end with a return or a jump".into());
    }
    for (pc, op) in code.iter().enumerate() {
        if let Some(t) = op.jump_target()
            && t as usize >= code.len()
        {
            return Err(format!("pc {pc}: jump to {t}, outside the code"));
        }
    }
    check_placed(&p.code, code)
}

/// Each ordinary instruction, test and loop instruction sits in the flat
/// code at the pc the structured code recorded.
fn check_placed(b: &Block, flat: &[Op]) -> Result<(), String> {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || check_placed_in(b, flat))
}

fn check_placed_in(b: &Block, flat: &[Op]) -> Result<(), String> {
    let at = |pc: u32, what: &dyn Fn(&Op) -> bool| -> Result<(), String> {
        match flat.get(pc as usize) {
            Some(op) if what(op) => Ok(()),
            other => Err(format!("pc {pc}: the flat code has {other:?}")),
        }
    };
    for n in &b.nodes {
        match n {
            Node::Op { op, pc } => at(*pc, &|f| f == op)?,
            Node::If(i) => {
                check_placed_cond(&i.cond, flat)?;
                check_placed(&i.then_, flat)?;
                check_placed(&i.else_, flat)?;
            }
            Node::While(w) => {
                check_placed_cond(&w.cond, flat)?;
                check_placed(&w.body, flat)?;
            }
            Node::Repeat(r) => {
                check_placed(&r.body, flat)?;
                check_placed_cond(&r.cond, flat)?;
            }
            Node::Loop(l) => check_placed(&l.body, flat)?,
            Node::NumericFor(f) => {
                at(f.prep_pc, &|o| matches!(o, Op::ForPrep { .. }))?;
                at(f.loop_pc, &|o| matches!(o, Op::ForLoop { .. }))?;
                check_placed(&f.body, flat)?;
            }
            Node::GenericFor(f) => {
                at(f.prep_pc, &|o| matches!(o, Op::TForPrep { .. }))?;
                at(f.call_pc, &|o| matches!(o, Op::TForCall { .. }))?;
                at(f.loop_pc, &|o| matches!(o, Op::TForLoop { .. }))?;
                check_placed(&f.body, flat)?;
            }
            Node::Break { .. } | Node::Goto { .. } => {}
        }
    }
    Ok(())
}

fn check_placed_cond(c: &Cond, flat: &[Op]) -> Result<(), String> {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || check_placed_cond_in(c, flat))
}

fn check_placed_cond_in(c: &Cond, flat: &[Op]) -> Result<(), String> {
    match c {
        Cond::Leaf { pre, test, pc, .. } => {
            check_placed(pre, flat)?;
            match flat.get(*pc as usize) {
                Some(op) if op.as_cond_jump().is_some_and(|(t, ..)| t == *test) => Ok(()),
                other => Err(format!("test pc {pc}: the flat code has {other:?}")),
            }
        }
        Cond::And(a, b, _) | Cond::Or(a, b, _) => {
            check_placed_cond(a, flat)?;
            check_placed_cond(b, flat)
        }
    }
}

/// What kind of block a jump may leave or reach.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Body,
    Branch,
    LoopBody,
    Pre,
}

struct Ctx<'a> {
    nodes: &'a [Node],
    kind: Kind,
}

struct Checker<'a> {
    p: &'a Proto,
    /// The next pc of the layout.
    pc: u32,
    /// The enclosing blocks, the function body first.
    ctx: Vec<Ctx<'a>>,
    /// Blocks and condition nodes entered.
    nesting: usize,
    /// How many condition `pre` blocks enclose the current node.
    in_pre: usize,
    /// Saw a `Tbc` or a generic `for` (which marks its closing value).
    closes: bool,
    /// For each register, how many enclosing numeric `for` loops keep
    /// their state in it (`base..base+3`, which their bodies must not
    /// write).
    loop_regs: [u16; 256],
}

type R = Result<(), String>;

impl<'a> Checker<'a> {
    fn enter(&mut self) -> R {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err("blocks nested too deeply".into());
        }
        Ok(())
    }

    /// The next instruction of the layout is recorded at `pc`.
    fn at(&mut self, pc: u32) -> R {
        if pc != self.pc {
            return Err(format!(
                "instruction recorded at pc {pc} where the layout puts {}",
                self.pc
            ));
        }
        self.skip()
    }

    /// An instruction of the layout whose pc is recorded nowhere.
    fn skip(&mut self) -> R {
        self.pc = self
            .pc
            .checked_add(1)
            .filter(|&n| n <= MAX_CODE_LEN)
            .ok_or("too many instructions")?;
        Ok(())
    }

    fn block(&mut self, b: &'a Block, kind: Kind) -> R {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.enter()?;
            self.ctx.push(Ctx {
                nodes: &b.nodes,
                kind,
            });
            for (i, n) in b.nodes.iter().enumerate() {
                self.node(n, i, &b.nodes)?;
            }
            self.ctx.pop();
            self.nesting -= 1;
            Ok(())
        })
    }

    fn no_pre(&self, what: &str) -> R {
        if self.in_pre > 0 {
            return Err(format!("{what} inside a condition's pre block"));
        }
        Ok(())
    }

    /// Registers `lo..=hi` may be written here: none may hold the state
    /// of an enclosing numeric `for`.
    fn writes(&self, lo: u32, hi: u32, what: &dyn std::fmt::Debug) -> R {
        for r in lo..=hi.min(255) {
            if self.loop_regs[r as usize] > 0 {
                return Err(format!(
                    "{what:?} writes register {r}, the state of an enclosing numeric for"
                ));
            }
        }
        Ok(())
    }

    fn node(&mut self, n: &'a Node, i: usize, nodes: &'a [Node]) -> R {
        match n {
            Node::Op { op, pc } => {
                self.at(*pc)?;
                self.op(op)?;
                if let Some((lo, hi)) = written(op) {
                    self.writes(lo, hi, op)?;
                }
                if let Some(need) = multret_need(op) {
                    let prev = i.checked_sub(1).and_then(|j| nodes.get(j));
                    let ok = match prev {
                        Some(Node::Op { op: p, .. }) => {
                            multret_producer(p).is_some_and(|r| r as u32 >= need)
                        }
                        _ => false,
                    };
                    if !ok {
                        return Err(format!(
                            "pc {pc}: {op:?} takes values up to top, but no instruction \
                             just before it sets top"
                        ));
                    }
                }
                Ok(())
            }
            Node::If(b) => {
                self.cond(&b.cond)?;
                if let Some(j) = single_jump(&b.then_, &b.else_) {
                    // Folded into the condition: the jump has no code of
                    // its own, but leaves blocks as seen from the branch.
                    self.ctx.push(Ctx {
                        nodes: &b.then_.nodes,
                        kind: Kind::Branch,
                    });
                    self.jump(j, false)?;
                    self.ctx.pop();
                    return Ok(());
                }
                self.block(&b.then_, Kind::Branch)?;
                if !b.else_.nodes.is_empty() {
                    self.at(b.jump_pc)?;
                    self.block(&b.else_, Kind::Branch)?;
                }
                Ok(())
            }
            Node::While(w) => {
                self.no_pre("a loop")?;
                self.cond(&w.cond)?;
                self.block(&w.body, Kind::LoopBody)?;
                self.at(w.back_pc)
            }
            Node::Repeat(r) => {
                self.no_pre("a loop")?;
                self.block(&r.body, Kind::LoopBody)?;
                self.cond(&r.cond).map(|_| ())
            }
            Node::Loop(l) => {
                self.no_pre("a loop")?;
                self.block(&l.body, Kind::LoopBody)?;
                self.at(l.back_pc)
            }
            Node::NumericFor(f) => {
                self.no_pre("a loop")?;
                self.at(f.prep_pc)?;
                self.range(f.base, 4)?;
                let state = f.base as usize..f.base as usize + 3;
                self.writes(state.start as u32, state.end as u32, &"a numeric for")?;
                for r in state.clone() {
                    self.loop_regs[r] += 1;
                }
                self.block(&f.body, Kind::LoopBody)?;
                for r in state {
                    self.loop_regs[r] -= 1;
                }
                self.at(f.loop_pc)
            }
            Node::GenericFor(f) => {
                self.no_pre("a loop")?;
                self.closes = true;
                if f.nvars == 0 {
                    return Err("generic for without variables".into());
                }
                // Control registers, results, and the call's scratch
                // `base+4..base+7` (`Op::TForCall`).
                self.range(f.base, 4 + f.nvars.max(3) as u32)?;
                self.writes(f.base as u32 + 2, 255, &"a generic for")?;
                self.at(f.prep_pc)?;
                self.block(&f.body, Kind::LoopBody)?;
                self.at(f.call_pc)?;
                self.at(f.loop_pc)
            }
            Node::Break { .. } | Node::Goto { .. } => self.jump(n, true),
        }
    }

    /// A `Break` or `Goto` in the block on top of `ctx`; `counted`: it has
    /// its own flat `Jmp`.
    fn jump(&mut self, n: &Node, counted: bool) -> R {
        self.no_pre("a jump")?;
        let depth = self.ctx.len();
        match *n {
            Node::Break { levels, pc } => {
                let levels = levels as usize;
                if levels == 0 || levels > depth {
                    return Err(format!("break leaves {levels} of {depth} blocks"));
                }
                if self.ctx[depth - levels].kind != Kind::LoopBody {
                    return Err("break does not end a loop".into());
                }
                if counted {
                    self.at(pc)?;
                }
            }
            Node::Goto { levels, target, pc } => {
                let levels = levels as usize;
                if levels >= depth {
                    return Err(format!("goto leaves {levels} of {depth} blocks"));
                }
                let to = &self.ctx[depth - 1 - levels];
                let t = target as usize;
                if t > to.nodes.len() || (t == to.nodes.len() && to.kind == Kind::Body) {
                    return Err(format!("goto to node {t} of {}", to.nodes.len()));
                }
                if let Some(Node::Op { op, .. }) = to.nodes.get(t)
                    && multret_need(op).is_some()
                {
                    return Err(format!("goto to {op:?}, which takes values up to top"));
                }
                if counted {
                    self.at(pc)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Check condition `c`; returns its number of leaves.
    fn cond(&mut self, c: &'a Cond) -> Result<u32, String> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.enter()?;
            let n = match c {
                Cond::Leaf { pre, test, pc, .. } => {
                    self.in_pre += 1;
                    self.block(pre, Kind::Pre)?;
                    self.in_pre -= 1;
                    self.test(test)?;
                    self.at(*pc)?;
                    1
                }
                Cond::And(a, b, n) | Cond::Or(a, b, n) => {
                    let left = self.cond(a)?;
                    if left != *n {
                        return Err(format!("condition records {n} left leaves of {left}"));
                    }
                    let right = self.cond(b)?;
                    left.checked_add(right).ok_or("too many leaves")?
                }
            };
            self.nesting -= 1;
            Ok(n)
        })
    }

    fn reg(&self, r: Reg) -> R {
        self.range(r, 1)
    }

    /// Registers `first..first+n` exist (`n >= 1`).
    fn range(&self, first: Reg, n: u32) -> R {
        if n == 0 || first as u32 + n > self.p.max_registers as u32 {
            return Err(format!(
                "registers {first}..{} with {} registers",
                first as u32 + n,
                self.p.max_registers
            ));
        }
        Ok(())
    }

    fn k(&self, k: u32) -> Result<&'a Constant, String> {
        self.p
            .constants
            .get(k as usize)
            .ok_or_else(|| format!("constant {k} of {}", self.p.constants.len()))
    }

    fn kstr(&self, k: u16) -> R {
        match self.k(k as u32)? {
            Constant::Str(_) => Ok(()),
            c => Err(format!("constant {k} is {c:?}, not a string")),
        }
    }

    fn knum(&self, k: u16) -> R {
        match self.k(k as u32)? {
            Constant::Int(_) | Constant::Float(_) => Ok(()),
            c => Err(format!("constant {k} is {c:?}, not a number")),
        }
    }

    fn up(&self, u: u8) -> R {
        if u as usize >= self.p.upvalues.len() {
            return Err(format!("upvalue {u} of {}", self.p.upvalues.len()));
        }
        Ok(())
    }

    fn rk(&self, v: RK) -> R {
        match v {
            RK::R(r) => self.reg(r),
            RK::K(k) => self.k(k as u32).map(|_| ()),
        }
    }

    fn test(&self, t: &Test) -> R {
        match *t {
            Test::Truthy(a)
            | Test::EqI(a, _)
            | Test::LtI(a, _)
            | Test::LeI(a, _)
            | Test::GtI(a, _)
            | Test::GeI(a, _) => self.reg(a),
            Test::Eq(a, b) | Test::Lt(a, b) | Test::Le(a, b) => {
                self.reg(a)?;
                self.reg(b)
            }
            Test::EqK(a, k) => {
                self.reg(a)?;
                self.k(k as u32).map(|_| ())
            }
        }
    }

    /// The operands of an ordinary instruction.
    fn op(&mut self, op: &Op) -> R {
        use Op::*;
        match *op {
            Move { dst, src } => {
                self.reg(dst)?;
                self.reg(src)
            }
            LoadI { dst, .. } | LoadF { dst, .. } | LoadFalse { dst } | LoadTrue { dst } => {
                self.reg(dst)
            }
            LoadK { dst, k } => {
                self.reg(dst)?;
                self.k(k).map(|_| ())
            }
            LoadNil { dst, n } => self.range(dst, n as u32),
            GetUpval { dst, up } => {
                self.reg(dst)?;
                self.up(up)
            }
            SetUpval { up, src } => {
                self.up(up)?;
                self.reg(src)
            }
            GetTabUp { dst, up, key } => {
                self.reg(dst)?;
                self.up(up)?;
                self.kstr(key)
            }
            GetTable { dst, obj, key } => {
                self.reg(dst)?;
                self.reg(obj)?;
                self.reg(key)
            }
            GetI { dst, obj, .. } => {
                self.reg(dst)?;
                self.reg(obj)
            }
            GetField { dst, obj, key } => {
                self.reg(dst)?;
                self.reg(obj)?;
                self.kstr(key)
            }
            SetTabUp { up, key, val } => {
                self.up(up)?;
                self.kstr(key)?;
                self.rk(val)
            }
            SetTable { obj, key, val } => {
                self.reg(obj)?;
                self.reg(key)?;
                self.rk(val)
            }
            SetI { obj, val, .. } => {
                self.reg(obj)?;
                self.rk(val)
            }
            SetField { obj, key, val } => {
                self.reg(obj)?;
                self.kstr(key)?;
                self.rk(val)
            }
            NewTable { dst, .. } => self.reg(dst),
            Method { dst, obj, key } => {
                self.range(dst, 2)?;
                self.reg(obj)?;
                self.kstr(key)
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
            | Shr { dst, a, b } => {
                self.reg(dst)?;
                self.reg(a)?;
                self.reg(b)
            }
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
                self.reg(dst)?;
                self.reg(a)?;
                self.knum(k)
            }
            AddI { dst, a, .. }
            | SubI { dst, a, .. }
            | ShlI { dst, a, .. }
            | ShrI { dst, a, .. } => {
                self.reg(dst)?;
                self.reg(a)
            }
            Unm { dst, src } | BNot { dst, src } | Not { dst, src } | Len { dst, src } => {
                self.reg(dst)?;
                self.reg(src)
            }
            Concat { first, n } => {
                if n < 2 {
                    return Err(format!("concatenation of {n} values"));
                }
                self.range(first, n as u32)
            }
            Close { from } => self.reg(from),
            Tbc { reg } => {
                self.closes = true;
                self.reg(reg)
            }
            Call {
                func,
                nargs,
                nresults,
            } => {
                self.reg(func)?;
                if nargs != MULTRET {
                    self.range(func, nargs as u32 + 1)?;
                }
                if nresults != MULTRET && nresults > 0 {
                    self.range(func, nresults as u32)?;
                }
                Ok(())
            }
            TailCall { func, nargs } => {
                self.reg(func)?;
                if nargs != MULTRET {
                    self.range(func, nargs as u32 + 1)?;
                }
                Ok(())
            }
            Return { first, n } => {
                self.reg(first)?;
                if n != MULTRET && n > 0 {
                    self.range(first, n as u32)?;
                }
                Ok(())
            }
            Return0 => Ok(()),
            Return1 { src } => self.reg(src),
            Vararg { dst, n } => {
                if !self.p.is_vararg {
                    return Err("vararg in a function that has none".into());
                }
                self.reg(dst)?;
                if n != MULTRET && n > 0 {
                    self.range(dst, n as u32)?;
                }
                Ok(())
            }
            Closure { dst, proto } => {
                self.reg(dst)?;
                if proto as usize >= self.p.protos.len() {
                    return Err(format!("function {proto} of {}", self.p.protos.len()));
                }
                Ok(())
            }
            SetList { table, n, .. } => {
                self.reg(table)?;
                if n != MULTRET {
                    self.range(table, n as u32 + 1)?;
                }
                Ok(())
            }
            Jmp { .. }
            | crate::cond_jumps!()
            | ForPrep { .. }
            | ForLoop { .. }
            | TForPrep { .. }
            | TForCall { .. }
            | TForLoop { .. } => Err(format!("flat-only {op:?} in structured code")),
        }
    }
}

/// The registers an ordinary instruction may write, `lo..=hi` (a call
/// writes every register from its function's up: the callee's frame).
fn written(op: &Op) -> Option<(u32, u32)> {
    let range = |first: Reg, n: u8| match n {
        0 => None,
        MULTRET => Some((first as u32, 255)),
        n => Some((first as u32, first as u32 + n as u32 - 1)),
    };
    match *op {
        Op::Vararg { dst, n } => range(dst, n),
        Op::LoadNil { dst, n } | Op::Concat { first: dst, n } => range(dst, n),
        Op::Method { dst, .. } => Some((dst as u32, dst as u32 + 1)),
        Op::Call { func, .. } => Some((func as u32, 255)),
        _ => {
            let mut op = *op;
            op.dst_mut().map(|d| (*d as u32, *d as u32))
        }
    }
}

/// An instruction that leaves the stack top after its `MULTRET` results:
/// the register they start at.
fn multret_producer(op: &Op) -> Option<Reg> {
    match *op {
        Op::Call {
            func,
            nresults: MULTRET,
            ..
        } => Some(func),
        Op::Vararg { dst, n: MULTRET } => Some(dst),
        _ => None,
    }
}

/// An instruction that takes values up to the stack top: the lowest
/// register the top may be at (`top - (base + need)` is a count).
fn multret_need(op: &Op) -> Option<u32> {
    match *op {
        Op::Call {
            func,
            nargs: MULTRET,
            ..
        }
        | Op::TailCall {
            func,
            nargs: MULTRET,
        } => Some(func as u32 + 1),
        Op::Return { first, n: MULTRET } => Some(first as u32),
        Op::SetList {
            table, n: MULTRET, ..
        } => Some(table as u32 + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::proto::UpvalDesc;

    /// Compile `src`, break its main function with `f`, verify.
    fn broken(src: &str, f: impl FnOnce(&mut Proto)) -> String {
        let p = crate::compile_source(src.as_bytes(), "=t").unwrap();
        verify(&p).unwrap();
        let mut p = Rc::try_unwrap(p).unwrap();
        f(&mut p);
        p.flat = Default::default();
        verify(&p).expect_err("verify accepted a broken function")
    }

    /// The first ordinary instruction (depth first) matching `pred`.
    fn find_op<'a>(b: &'a mut Block, pred: &dyn Fn(&Op) -> bool) -> Option<&'a mut Op> {
        for n in &mut b.nodes {
            let found = match n {
                Node::Op { op, .. } if pred(op) => return Some(op),
                Node::Op { .. } | Node::Break { .. } | Node::Goto { .. } => None,
                Node::If(i) => find_op(&mut i.then_, pred).or_else(|| find_op(&mut i.else_, pred)),
                Node::While(w) => find_op(&mut w.body, pred),
                Node::Repeat(r) => find_op(&mut r.body, pred),
                Node::Loop(l) => find_op(&mut l.body, pred),
                Node::NumericFor(f) => find_op(&mut f.body, pred),
                Node::GenericFor(f) => find_op(&mut f.body, pred),
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    fn set_op(p: &mut Proto, pred: &dyn Fn(&Op) -> bool, new: Op) {
        *find_op(&mut p.code, pred).expect("no such instruction") = new;
    }

    fn has(e: &str, what: &str) {
        assert!(e.contains(what), "{e:?} does not say {what:?}");
    }

    #[test]
    fn registers_and_ranges() {
        has(
            &broken("local a, b = 1, 2", |p| p.max_registers = 1),
            "registers 1..2",
        );
        // A count of 255 is not "up to top" for LoadNil or Concat.
        has(
            &broken("local a", |p| {
                set_op(
                    p,
                    &|o| matches!(o, Op::LoadNil { .. }),
                    Op::LoadNil { dst: 0, n: 255 },
                )
            }),
            "registers 0..255",
        );
        has(
            &broken("local a, b = 'x', 'y' local c = a .. b", |p| {
                set_op(
                    p,
                    &|o| matches!(o, Op::Concat { .. }),
                    Op::Concat { first: 2, n: 1 },
                )
            }),
            "concatenation of 1 values",
        );
        has(
            &broken("local t = {} t:m()", |p| {
                p.max_registers = 3;
                set_op(
                    p,
                    &|o| matches!(o, Op::Method { .. }),
                    Op::Method {
                        dst: 2,
                        obj: 0,
                        key: 0,
                    },
                )
            }),
            "registers 2..4",
        );
        has(
            &broken("for k in next, {} do end", |p| p.max_registers -= 1),
            "registers",
        );
    }

    #[test]
    fn loop_state_is_not_written() {
        // `x` (R4) written to the loop's count (R1) instead.
        has(
            &broken("for i = 1, 3 do local x = 1 end", |p| {
                set_op(
                    p,
                    &|o| matches!(o, Op::LoadI { dst: 4, .. }),
                    Op::LoadI { dst: 1, value: 1 },
                )
            }),
            "writes register 1, the state of an enclosing numeric for",
        );
        // A call whose frame covers it.
        has(
            &broken("for i = 1, 3 do local f = i; f() end", |p| {
                set_op(
                    p,
                    &|o| matches!(o, Op::Call { .. }),
                    Op::Call {
                        func: 2,
                        nargs: 0,
                        nresults: 1,
                    },
                )
            }),
            "writes register 2",
        );
    }

    #[test]
    fn top_is_set_before_it_is_used() {
        // `f(g())`: the call of `f` takes its arguments up to top.
        let e = broken("f(g())", |p| {
            set_op(
                p,
                &|o| {
                    matches!(
                        o,
                        Op::Call {
                            nresults: MULTRET,
                            ..
                        }
                    )
                },
                Op::Call {
                    func: 1,
                    nargs: 0,
                    nresults: 1,
                },
            )
        });
        has(&e, "sets top");
        // A producer below the consumer's first argument.
        let e = broken("local a = 1 return a, ...", |p| {
            set_op(
                p,
                &|o| matches!(o, Op::Vararg { .. }),
                Op::Vararg { dst: 0, n: MULTRET },
            )
        });
        has(&e, "sets top");
        // A goto landing on the consumer.
        let e = broken(
            "local n = 0 ::l:: n = n + 1 if n < 2 then goto l end print(...)",
            |p| {
                let i = p
                    .code
                    .nodes
                    .iter()
                    .position(|n| {
                        matches!(
                            n,
                            Node::Op {
                                op: Op::Call { nargs: MULTRET, .. },
                                ..
                            }
                        )
                    })
                    .unwrap();
                let Some(Node::If(b)) = p.code.nodes.iter_mut().find(|n| matches!(n, Node::If(_)))
                else {
                    panic!("no if");
                };
                let Node::Goto { target, .. } = &mut b.then_.nodes[0] else {
                    panic!("no goto")
                };
                *target = i as u32;
            },
        );
        has(&e, "takes values up to top");
    }

    #[test]
    fn indices_and_constant_types() {
        has(
            &broken("local x = 'a'", |p| {
                set_op(
                    p,
                    &|o| matches!(o, Op::LoadK { .. }),
                    Op::LoadK { dst: 0, k: 7 },
                )
            }),
            "constant 7 of 1",
        );
        has(
            &broken("local t = {} t.x = 1 return t.y", |p| {
                p.constants[2] = Constant::Int(3)
            }),
            "not a string",
        );
        has(
            &broken("local x = ... return x + 0.5", |p| {
                p.constants[0] = Constant::Nil
            }),
            "not a number",
        );
        has(&broken("x = 1", |p| p.upvalues.clear()), "upvalue 0 of 0");
        has(
            &broken("local f = function() end", |p| {
                set_op(
                    p,
                    &|o| matches!(o, Op::Closure { .. }),
                    Op::Closure { dst: 0, proto: 1 },
                )
            }),
            "function 1 of 1",
        );
        has(
            &broken("local a local f = function() return a end", |p| {
                Rc::get_mut(&mut p.protos[0]).unwrap().upvalues[0] = UpvalDesc {
                    name: "a".into(),
                    in_stack: true,
                    index: 9,
                };
            }),
            "captures a missing slot",
        );
        has(
            &broken("local f = function() return x end", |p| {
                Rc::get_mut(&mut p.protos[0]).unwrap().upvalues[0].index = 3;
            }),
            "captures a missing slot",
        );
        has(
            &broken("local x <close> = nil", |p| p.needs_close = false),
            "needs_close",
        );
        has(
            &broken("local a local f = function() return a end", |p| {
                p.needs_close = false
            }),
            "needs_close",
        );
        has(
            &broken("return ...", |p| p.is_vararg = false),
            "vararg in a function",
        );
        has(
            &broken("local x = 1", |p| {
                set_op(p, &|o| matches!(o, Op::LoadI { .. }), Op::Jmp { target: 0 })
            }),
            "flat-only",
        );
    }

    #[test]
    fn structure_and_layout() {
        // A break whose last block left is not a loop body.
        has(
            &broken("while x do if y then break end end", |p| {
                let Node::While(w) = &mut p.code.nodes[0] else {
                    panic!()
                };
                let Node::If(i) = &mut w.body.nodes[0] else {
                    panic!()
                };
                i.then_.nodes[0] = Node::Break { levels: 4, pc: 0 };
            }),
            "break leaves 4 of 3",
        );
        has(
            &broken("while x do if y then break end end", |p| {
                let Node::While(w) = &mut p.code.nodes[0] else {
                    panic!()
                };
                let Node::If(i) = &mut w.body.nodes[0] else {
                    panic!()
                };
                i.then_.nodes[0] = Node::Break { levels: 3, pc: 0 };
            }),
            "does not end a loop",
        );
        has(
            &broken("while x do local a = 1 if y then break end end", |p| {
                let Node::While(w) = &mut p.code.nodes[0] else {
                    panic!()
                };
                let Node::If(i) = &mut w.body.nodes[1] else {
                    panic!()
                };
                i.else_.nodes.push(Node::Op {
                    op: Op::Return0,
                    pc: 0,
                });
                i.then_.nodes[0] = Node::Goto {
                    levels: 2,
                    target: 9,
                    pc: 0,
                };
            }),
            "goto to node 9",
        );
        // pcs that the flat layout does not give.
        has(
            &broken("local a = 1 local b = 2", |p| {
                let Node::Op { pc, .. } = &mut p.code.nodes[0] else {
                    panic!()
                };
                *pc = 1;
            }),
            "where the layout puts 0",
        );
        has(&broken("local a = 1", |p| p.code_len += 1), "code_len");
        // The body runs off its end.
        has(
            &broken("local a = 1", |p| {
                p.code.nodes.pop();
                p.code_len -= 1;
                p.debug.lines.pop();
                p.debug.locals.clear();
            }),
            "off its end",
        );
        has(
            &broken("if a and b then end", |p| {
                let Node::If(i) = &mut p.code.nodes[0] else {
                    panic!()
                };
                let Cond::And(_, _, n) = &mut i.cond else {
                    panic!()
                };
                *n = 2;
            }),
            "left leaves",
        );
        // A jump inside a condition's pre block.
        has(
            &broken("while x do if f() then end end", |p| {
                let Node::While(w) = &mut p.code.nodes[0] else {
                    panic!()
                };
                let Node::If(i) = &mut w.body.nodes[0] else {
                    panic!()
                };
                let Cond::Leaf { pre, .. } = &mut i.cond else {
                    panic!()
                };
                pre.nodes.insert(0, Node::Break { levels: 2, pc: 0 });
            }),
            "pre block",
        );
        has(
            &broken("local a = 1", |p| p.debug.lines.push(1)),
            "3 lines for 2 instructions",
        );
        has(
            &broken("local a = 1", |p| p.debug.locals[0].end_pc = 5),
            "bad local",
        );
    }
}
