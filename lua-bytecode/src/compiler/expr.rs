//! Expressions: expression descriptors, discharging into registers,
//! operators, calls, table constructors and conditions.

use lua_syntax::ast::{self, BinOp, Expr, ExprKind, TableField, UnOp};

use super::fold::{Num, fold_binary, fold_unary};
use super::{CResult, Compiler, FIELDS_PER_FLUSH, KVal, Loc, NameSrc, VarKind};
use crate::opcode::{MULTRET, Op, RK, Reg, Test};
use crate::proto::{Block, Cond, If, NameKind, Node, UpvalDesc};

/// Stack left before `expr`/`cond` move to a fresh heap-allocated segment of
/// `STACK_SEGMENT` bytes (as the parser does for its own recursion).
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

pub(crate) type Name<'a> = Option<(NameKind, NameSrc)>;

/// What an expression is before it is placed (PUC's `expdesc` kinds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ExpKind<'a> {
    /// No value (empty expression list).
    Void,
    Nil,
    True,
    False,
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
    /// A local variable's register.
    Local(Reg),
    Upval(u8),
    /// `U[up][K[key]]`
    IndexUp {
        up: u8,
        key: u16,
    },
    /// `R[obj][K[key]]`
    IndexStr {
        obj: Reg,
        key: u16,
    },
    /// `R[obj][idx]`
    IndexInt {
        obj: Reg,
        idx: u16,
    },
    /// `R[obj][R[key]]`
    Index {
        obj: Reg,
        key: Reg,
    },
    /// A `Call` whose result count is still open.
    Call(Loc),
    /// A `Vararg` whose count and destination are still open.
    Vararg(Loc),
    /// An op whose destination register is still open.
    Reloc(Loc),
    /// A value in a fixed register.
    NonReloc(Reg),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Exp<'a> {
    pub kind: ExpKind<'a>,
    /// How the value is named in error messages.
    pub name: Name<'a>,
    /// For indexed kinds: the name of the indexed object.
    pub obj_name: Name<'a>,
    /// For variable kinds: the line their load is attributed to when it is
    /// emitted later (PUC-Rio's line of the last token read, i.e. the
    /// indexing token's line); 0 for "the caller's line".
    pub line: u32,
}

impl<'a> Exp<'a> {
    pub fn new(kind: ExpKind<'a>) -> Exp<'a> {
        Exp {
            kind,
            name: None,
            obj_name: None,
            line: 0,
        }
    }

    fn named(kind: ExpKind<'a>, name: Name<'a>) -> Exp<'a> {
        Exp {
            kind,
            name,
            obj_name: None,
            line: 0,
        }
    }

    pub fn is_multi(&self) -> bool {
        matches!(self.kind, ExpKind::Call(_) | ExpKind::Vararg(_))
    }

    fn numeral(&self) -> Option<Num> {
        match self.kind {
            ExpKind::Int(i) => Some(Num::Int(i)),
            ExpKind::Float(f) => Some(Num::Float(f)),
            _ => None,
        }
    }

    /// A compile-time constant value (for `<const>` locals).
    pub fn as_const(&self) -> Option<KVal<'a>> {
        Some(match self.kind {
            ExpKind::Nil => KVal::Nil,
            ExpKind::True => KVal::Bool(true),
            ExpKind::False => KVal::Bool(false),
            ExpKind::Int(i) => KVal::Int(i),
            ExpKind::Float(f) => KVal::Float(f),
            ExpKind::Str(s) => KVal::Str(s),
            _ => return None,
        })
    }

    fn from_num(n: Num) -> Exp<'a> {
        Exp::new(match n {
            Num::Int(i) => ExpKind::Int(i),
            Num::Float(f) => ExpKind::Float(f),
        })
    }

    pub fn from_const(v: KVal<'a>) -> Exp<'a> {
        Exp::new(match v {
            KVal::Nil => ExpKind::Nil,
            KVal::Bool(true) => ExpKind::True,
            KVal::Bool(false) => ExpKind::False,
            KVal::Int(i) => ExpKind::Int(i),
            KVal::Float(f) => ExpKind::Float(f),
            KVal::Str(s) => ExpKind::Str(s),
        })
    }
}

fn fits_i8(i: i64) -> Option<i8> {
    i8::try_from(i).ok()
}

fn fits_i16(i: i64) -> Option<i16> {
    i16::try_from(i).ok()
}

/// Result of resolving a name.
enum Resolved<'a> {
    /// Register and index among the active variables.
    Local(Reg, u16),
    Upval(u8),
    Const(KVal<'a>),
    Global,
}

impl<'a> Compiler<'a> {
    // ---- discharging --------------------------------------------------

    /// Turn a variable reference into a value (`luaK_dischargevars`).
    pub(crate) fn discharge_vars(&mut self, e: &mut Exp<'a>, line: u32) {
        let line = if e.line != 0 { e.line } else { line };
        match e.kind {
            ExpKind::Local(r) => e.kind = ExpKind::NonReloc(r),
            ExpKind::Upval(up) => {
                let loc = self.emit(Op::GetUpval { dst: 0, up }, line);
                e.kind = ExpKind::Reloc(loc);
            }
            ExpKind::IndexUp { up, key } => {
                let loc = self.emit(Op::GetTabUp { dst: 0, up, key }, line);
                e.kind = ExpKind::Reloc(loc);
            }
            ExpKind::IndexStr { obj, key } => {
                self.free_reg(obj);
                let loc = self.emit(Op::GetField { dst: 0, obj, key }, line);
                let pc = self.pc_at(loc);
                self.note_name(pc, obj, e.obj_name);
                e.kind = ExpKind::Reloc(loc);
            }
            ExpKind::IndexInt { obj, idx } => {
                self.free_reg(obj);
                let loc = self.emit(
                    Op::GetI {
                        dst: 0,
                        obj,
                        index: idx,
                    },
                    line,
                );
                let pc = self.pc_at(loc);
                self.note_name(pc, obj, e.obj_name);
                e.kind = ExpKind::Reloc(loc);
            }
            ExpKind::Index { obj, key } => {
                self.free_regs(obj, key);
                let loc = self.emit(Op::GetTable { dst: 0, obj, key }, line);
                let pc = self.pc_at(loc);
                self.note_name(pc, obj, e.obj_name);
                e.kind = ExpKind::Reloc(loc);
            }
            ExpKind::Call(loc) => {
                // Already adjusted to one result; it lands in the function's
                // register.
                if let Some(Op::Call { func, .. }) = self.op_at(loc).copied() {
                    e.kind = ExpKind::NonReloc(func);
                }
                e.name = None;
            }
            ExpKind::Vararg(loc) => {
                if let Some(Op::Vararg { n, .. }) = self.op_at(loc) {
                    *n = 1;
                }
                e.kind = ExpKind::Reloc(loc);
            }
            _ => {}
        }
    }

    pub(crate) fn free_regs(&mut self, a: Reg, b: Reg) {
        if a > b {
            self.free_reg(a);
            self.free_reg(b);
        } else {
            self.free_reg(b);
            self.free_reg(a);
        }
    }

    pub(crate) fn free_exp(&mut self, e: &Exp<'a>) {
        if let ExpKind::NonReloc(r) = e.kind {
            self.free_reg(r);
        }
    }

    fn free_exps(&mut self, a: &Exp<'a>, b: &Exp<'a>) {
        match (a.kind, b.kind) {
            (ExpKind::NonReloc(x), ExpKind::NonReloc(y)) => self.free_regs(x, y),
            _ => {
                self.free_exp(a);
                self.free_exp(b);
            }
        }
    }

    /// Place `e`'s value in register `reg` (`discharge2reg`).
    pub(crate) fn discharge_to(&mut self, e: &mut Exp<'a>, reg: Reg, line: u32) {
        self.discharge_vars(e, line);
        match e.kind {
            ExpKind::Nil => {
                self.load_nil(reg, 1, line);
            }
            ExpKind::True => {
                self.emit(Op::LoadTrue { dst: reg }, line);
            }
            ExpKind::False => {
                self.emit(Op::LoadFalse { dst: reg }, line);
            }
            ExpKind::Str(s) => {
                let k = self.str_k(s);
                self.emit(Op::LoadK { dst: reg, k }, line);
                e.name = Some((NameKind::Constant, NameSrc::K(k)));
            }
            ExpKind::Int(i) => {
                if let Ok(value) = i32::try_from(i) {
                    self.emit(Op::LoadI { dst: reg, value }, line);
                } else {
                    let k = self.add_k(KVal::Int(i));
                    self.emit(Op::LoadK { dst: reg, k }, line);
                }
            }
            ExpKind::Float(f) => {
                let small = f.floor() == f
                    && f.abs() < 2_147_483_648.0
                    && !(f == 0.0 && f.is_sign_negative());
                if small {
                    self.emit(
                        Op::LoadF {
                            dst: reg,
                            value: f as i32,
                        },
                        line,
                    );
                } else {
                    let k = self.add_k(KVal::Float(f));
                    self.emit(Op::LoadK { dst: reg, k }, line);
                }
            }
            ExpKind::Reloc(loc) => {
                if let Some(d) = self.op_at(loc).and_then(|op| op.dst_mut()) {
                    *d = reg;
                }
            }
            ExpKind::NonReloc(r) => {
                if r != reg {
                    self.emit(Op::Move { dst: reg, src: r }, line);
                }
            }
            _ => return,
        }
        e.kind = ExpKind::NonReloc(reg);
    }

    /// `LoadNil`, merged with an adjacent preceding one as `luaK_nil` does.
    pub(crate) fn load_nil(&mut self, from: Reg, n: u8, line: u32) {
        // Never merge across a label: a `goto` may land between the two.
        let at_label = self.fsr().label_at == Some((self.depth(), self.block_len()));
        if !at_label && let Some((loc, Op::LoadNil { dst, n: pn })) = self.last_op() {
            let (pfrom, pl) = (dst as u32, dst as u32 + pn as u32 - 1);
            let (f, l) = (from as u32, from as u32 + n as u32 - 1);
            if (pfrom <= f && f <= pl + 1) || (f <= pfrom && pfrom <= l + 1) {
                let nf = pfrom.min(f);
                let nl = pl.max(l);
                if nl - nf < 255
                    && let Some(op) = self.op_at(loc)
                {
                    *op = Op::LoadNil {
                        dst: nf as Reg,
                        n: (nl - nf + 1) as u8,
                    };
                    return;
                }
            }
        }
        self.emit(Op::LoadNil { dst: from, n }, line);
    }

    /// Put `e` in the next free register (`luaK_exp2nextreg`).
    pub(crate) fn exp2nextreg(&mut self, e: &mut Exp<'a>, line: u32) -> CResult<Reg> {
        self.discharge_vars(e, line);
        self.free_exp(e);
        self.reserve(1, line)?;
        let reg = (self.fsr().freereg - 1) as Reg;
        self.discharge_to(e, reg, line);
        Ok(reg)
    }

    /// Put `e` in some register (`luaK_exp2anyreg`).
    pub(crate) fn exp2anyreg(&mut self, e: &mut Exp<'a>, line: u32) -> CResult<Reg> {
        self.discharge_vars(e, line);
        if let ExpKind::NonReloc(r) = e.kind {
            return Ok(r);
        }
        self.exp2nextreg(e, line)
    }

    pub(crate) fn exp2anyregup(&mut self, e: &mut Exp<'a>, line: u32) -> CResult<()> {
        if !matches!(e.kind, ExpKind::Upval(_)) {
            self.exp2anyreg(e, line)?;
        }
        Ok(())
    }

    /// `e` as a constant index, if it is a constant.
    fn exp2k(&mut self, e: &Exp<'a>) -> Option<u32> {
        e.as_const().map(|v| self.add_k(v))
    }

    /// `e` as a register-or-constant operand.
    pub(crate) fn exp2rk(&mut self, e: &mut Exp<'a>, line: u32) -> CResult<RK> {
        if let Some(k) = self.exp2k(e)
            && let Ok(k) = u16::try_from(k)
        {
            return Ok(RK::K(k));
        }
        Ok(RK::R(self.exp2anyreg(e, line)?))
    }

    /// Set the number of results of a multi-valued expression.
    pub(crate) fn set_returns(&mut self, e: &mut Exp<'a>, n: u8, line: u32) -> CResult<()> {
        match e.kind {
            ExpKind::Call(loc) => {
                if let Some(Op::Call { nresults, .. }) = self.op_at(loc) {
                    *nresults = n;
                }
            }
            ExpKind::Vararg(loc) => {
                let dst = self.fsr().freereg as Reg;
                if let Some(Op::Vararg { dst: d, n: nn }) = self.op_at(loc) {
                    *d = dst;
                    *nn = n;
                }
                self.reserve(1, line)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Adjust a multi-valued expression to one value (`luaK_setoneret`).
    pub(crate) fn set_one_ret(&mut self, e: &mut Exp<'a>, line: u32) {
        if e.is_multi() {
            self.discharge_vars(e, line);
        }
    }

    // ---- expressions --------------------------------------------------

    pub(crate) fn expr(&mut self, e: &'a Expr<'a>) -> CResult<Exp<'a>> {
        // Left-associative chains (`1 + 1 + ...`, `a.b.b...`, `f()()...`)
        // give trees as deep as the source is long; the parser accepts them
        // (as luac does), so the walk must not overflow the Rust stack.
        let r = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.expr_inner(e));
        // Placing this value in a register happens, in PUC-Rio, once the
        // separator or operator after it has been read.
        self.set_near(e.span.end, 1);
        r
    }

    fn expr_inner(&mut self, e: &'a Expr<'a>) -> CResult<Exp<'a>> {
        let line = e.line;
        Ok(match &e.kind {
            ExprKind::Nil => Exp::new(ExpKind::Nil),
            ExprKind::True => Exp::new(ExpKind::True),
            ExprKind::False => Exp::new(ExpKind::False),
            ExprKind::Int(i) => Exp::new(ExpKind::Int(*i)),
            ExprKind::Float(f) => Exp::new(ExpKind::Float(*f)),
            ExprKind::Str(s) => Exp::new(ExpKind::Str(s)),
            ExprKind::Vararg => {
                let loc = self.emit(Op::Vararg { dst: 0, n: 1 }, line);
                Exp::new(ExpKind::Vararg(loc))
            }
            ExprKind::Function(body) => {
                let idx = self.function(body)?;
                let loc = self.emit(Op::Closure { dst: 0, proto: idx }, body.end_line);
                let mut ex = Exp::new(ExpKind::Reloc(loc));
                self.exp2nextreg(&mut ex, body.end_line)?;
                ex
            }
            ExprKind::Table(fields) => self.constructor(fields, line)?,
            ExprKind::Binary { op, lhs, rhs } => self.binary(e, *op, lhs, rhs, line)?,
            ExprKind::Unary { op, operand } => self.unary(e, *op, operand, line)?,
            ExprKind::Name(name) => self.single_var(name, line)?,
            ExprKind::Index { obj, key } => {
                let mut t = self.expr(obj)?;
                self.set_near(obj.span.end, 0);
                self.exp2anyregup(&mut t, line)?;
                let mut k = self.expr(key)?;
                self.discharge_vars(&mut k, line);
                let mut v = self.indexed(t, k, line)?;
                // The load is emitted later, when the last token of the
                // indexing has been read.
                v.line = last_line(e);
                v
            }
            ExprKind::Call { func, args } => {
                let mut f = self.expr(func)?;
                self.set_near(func.span.end, 0);
                self.exp2nextreg(&mut f, line)?;
                self.call_args(f, args, line)?
            }
            ExprKind::MethodCall { obj, method, args } => {
                let f = self.method(obj, method, line)?;
                self.call_args(f, args, line)?
            }
            ExprKind::Paren(inner) => {
                let mut ex = self.expr(inner)?;
                self.discharge_vars(&mut ex, line);
                ex
            }
        })
    }

    /// Resolve a variable name (`singlevar`).
    pub(crate) fn single_var(&mut self, name: &'a str, line: u32) -> CResult<Exp<'a>> {
        let top = self.funcs.len() - 1;
        match self.resolve(top, name, true, line)? {
            Resolved::Local(r, v) => Ok(Exp::named(
                ExpKind::Local(r),
                Some((NameKind::Local, NameSrc::of_var(name, NameSrc::Local(v)))),
            )),
            Resolved::Upval(u) => Ok(Exp::named(
                ExpKind::Upval(u),
                Some((NameKind::Upvalue, NameSrc::of_var(name, NameSrc::Up(u)))),
            )),
            Resolved::Const(v) => Ok(Exp::from_const(v)),
            Resolved::Global => {
                // `_ENV` is nearly always the same upvalue: remember it
                // (forgotten whenever a variable named `_ENV` is declared).
                let env_res = match self.fsr().env_upval {
                    Some(u) => Resolved::Upval(u),
                    None => {
                        let r = self.resolve(top, "_ENV", true, line)?;
                        if let Resolved::Upval(u) = r {
                            self.fs().env_upval = Some(u);
                        }
                        r
                    }
                };
                let mut env = match env_res {
                    Resolved::Local(r, _) => {
                        Exp::named(ExpKind::Local(r), Some((NameKind::Local, NameSrc::Env)))
                    }
                    Resolved::Upval(u) => {
                        Exp::named(ExpKind::Upval(u), Some((NameKind::Upvalue, NameSrc::Env)))
                    }
                    Resolved::Const(v) => Exp::from_const(v),
                    Resolved::Global => Exp::new(ExpKind::Nil),
                };
                self.exp2anyregup(&mut env, line)?;
                let key = Exp::new(ExpKind::Str(name.as_bytes()));
                self.indexed(env, key, line)
            }
        }
    }

    fn resolve(
        &mut self,
        level: usize,
        name: &'a str,
        base: bool,
        line: u32,
    ) -> CResult<Resolved<'a>> {
        let fs = &mut self.funcs[level];
        // Names usually come interned from the parser: compare pointers
        // before bytes.
        let same = |a: &str| {
            a.len() == name.len()
                && (std::ptr::eq(a.as_ptr(), name.as_ptr())
                    || (a.as_bytes().first() == name.as_bytes().first() && a == name))
        };
        if let Some(vidx) = fs.actvars.iter().rposition(|v| same(v.name)) {
            return Ok(match fs.actvars[vidx].kind {
                VarKind::Const(v) => Resolved::Const(v),
                VarKind::Reg { reg, .. } => {
                    if !base {
                        Compiler::mark_upval(fs, vidx);
                    }
                    Resolved::Local(reg, vidx as u16)
                }
            });
        }
        if let Some(i) = fs.upvals.iter().position(|u| &*u.name == name) {
            return Ok(Resolved::Upval(i as u8));
        }
        if level == 0 {
            return Ok(Resolved::Global);
        }
        let (in_stack, index) = match self.resolve(level - 1, name, false, line)? {
            Resolved::Local(r, _) => (true, r),
            Resolved::Upval(u) => (false, u),
            other => return Ok(other),
        };
        if self.funcs[level].upvals.len() + 1 > super::MAX_UPVALUES {
            let saved = self.funcs.split_off(level + 1);
            let err = self.error_limit(line, super::MAX_UPVALUES, "upvalues");
            self.funcs.extend(saved);
            return Err(err);
        }
        let name_rc = self.intern_str(name);
        let fs = &mut self.funcs[level];
        fs.upvals.push(UpvalDesc {
            name: name_rc,
            in_stack,
            index,
        });
        Ok(Resolved::Upval((fs.upvals.len() - 1) as u8))
    }

    /// `t[k]` where `t` is in a register or an upvalue (`luaK_indexed`).
    pub(crate) fn indexed(
        &mut self,
        mut t: Exp<'a>,
        mut k: Exp<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        let str_key = match k.kind {
            ExpKind::Str(s) => u16::try_from(self.str_k(s)).ok(),
            _ => None,
        };
        if matches!(t.kind, ExpKind::Upval(_)) && str_key.is_none() {
            self.exp2anyreg(&mut t, line)?;
        }
        let env_name = |t: &Exp<'a>| matches!(t.name, Some((_, NameSrc::Env)));
        let field = |key: u16, global: bool| {
            let kind = if global {
                NameKind::Global
            } else {
                NameKind::Field
            };
            Some((kind, NameSrc::K(key as u32)))
        };
        let obj_name = t.name;
        let (kind, name) = match (t.kind, str_key) {
            (ExpKind::Upval(up), Some(key)) => {
                (ExpKind::IndexUp { up, key }, field(key, env_name(&t)))
            }
            _ => {
                let obj = match t.kind {
                    ExpKind::NonReloc(r) | ExpKind::Local(r) => r,
                    _ => self.exp2anyreg(&mut t, line)?,
                };
                if let Some(key) = str_key {
                    (ExpKind::IndexStr { obj, key }, field(key, env_name(&t)))
                } else if let ExpKind::Int(i) = k.kind
                    && let Ok(idx) = u16::try_from(i)
                {
                    (
                        ExpKind::IndexInt { obj, idx },
                        Some((NameKind::Field, NameSrc::IntIndex)),
                    )
                } else {
                    let key = self.exp2anyreg(&mut k, line)?;
                    let name = match k.name {
                        Some((NameKind::Constant, src)) => Some((NameKind::Field, src)),
                        _ => Some((NameKind::Field, NameSrc::Unknown)),
                    };
                    (ExpKind::Index { obj, key }, name)
                }
            }
        };
        Ok(Exp {
            kind,
            name,
            obj_name,
            line,
        })
    }

    /// `obj:method` ready to be called: function in `R[base]`, `self` in
    /// `R[base+1]` (`luaK_self`).
    fn method(&mut self, obj: &'a Expr<'a>, method: &'a str, line: u32) -> CResult<Exp<'a>> {
        let mut o = self.expr(obj)?;
        self.set_near(obj.span.end, 0);
        let r = self.exp2anyreg(&mut o, line)?;
        self.free_exp(&o);
        let base = self.fsr().freereg as Reg;
        self.reserve(2, line)?;
        let k = self.str_k(method.as_bytes());
        if let Ok(key) = u16::try_from(k) {
            let loc = self.emit(
                Op::Method {
                    dst: base,
                    obj: r,
                    key,
                },
                line,
            );
            let pc = self.pc_at(loc);
            self.note_name(pc, r, o.name);
        } else {
            self.emit(
                Op::Move {
                    dst: base + 1,
                    src: r,
                },
                line,
            );
            self.reserve(1, line)?;
            self.emit(Op::LoadK { dst: base + 2, k }, line);
            let loc = self.emit(
                Op::GetTable {
                    dst: base,
                    obj: base + 1,
                    key: base + 2,
                },
                line,
            );
            let pc = self.pc_at(loc);
            self.note_name(pc, base + 1, o.name);
            self.free_reg(base + 2);
        }
        Ok(Exp::named(
            ExpKind::NonReloc(base),
            Some((NameKind::Method, NameSrc::K(k))),
        ))
    }

    /// Compile an expression list: all but the last go to consecutive
    /// registers; the last is returned unplaced. Returns the count.
    pub(crate) fn explist(&mut self, exprs: &'a [Expr<'a>]) -> CResult<(usize, Exp<'a>)> {
        let mut last = Exp::new(ExpKind::Void);
        for (i, e) in exprs.iter().enumerate() {
            if i > 0 {
                self.exp2nextreg(&mut last, e.line)?;
            }
            last = self.expr(e)?;
        }
        Ok((exprs.len(), last))
    }

    /// Arguments and the `Call` itself; `f` is in `R[base]` (and `self` in
    /// `R[base+1]` for a method call).
    fn call_args(&mut self, f: Exp<'a>, args: &'a [Expr<'a>], line: u32) -> CResult<Exp<'a>> {
        let ExpKind::NonReloc(base) = f.kind else {
            return Err(self.error(line, "internal error: call base"));
        };
        let (_, mut last) = self.explist(args)?;
        let nargs = if last.is_multi() {
            self.set_returns(&mut last, MULTRET, line)?;
            MULTRET
        } else {
            if last.kind != ExpKind::Void {
                self.exp2nextreg(&mut last, line)?;
            }
            (self.fsr().freereg - (base as u32 + 1)) as u8
        };
        let loc = self.emit(
            Op::Call {
                func: base,
                nargs,
                nresults: 1,
            },
            line,
        );
        let pc = self.pc_at(loc);
        self.note_name(pc, base, f.name);
        self.fs().freereg = base as u32 + 1;
        Ok(Exp::new(ExpKind::Call(loc)))
    }

    /// Table constructor (`constructor` in lparser.c).
    fn constructor(&mut self, fields: &'a [TableField<'a>], line: u32) -> CResult<Exp<'a>> {
        let t = self.reserve_reg(line)?;
        let table_loc = self.emit(
            Op::NewTable {
                dst: t,
                array: 0,
                hash: 0,
            },
            line,
        );
        let mut na: u32 = 0;
        let mut nh: u32 = 0;
        let mut tostore: u32 = 0;
        let mut pending: Option<(Exp<'a>, u32)> = None;
        for field in fields {
            // closelistfield
            if let Some((mut v, vline)) = pending.take() {
                self.exp2nextreg(&mut v, vline)?;
                if tostore == FIELDS_PER_FLUSH {
                    self.emit(
                        Op::SetList {
                            table: t,
                            n: tostore as u8,
                            offset: na,
                        },
                        vline,
                    );
                    na += tostore;
                    tostore = 0;
                    self.fs().freereg = t as u32 + 1;
                }
            }
            match field {
                TableField::Positional(e) => {
                    let v = self.expr(e)?;
                    pending = Some((v, e.line));
                    tostore += 1;
                }
                TableField::Named { name, value } => {
                    nh += 1;
                    let save = self.fsr().freereg;
                    let tab = Exp::new(ExpKind::NonReloc(t));
                    let key = Exp::new(ExpKind::Str(name.as_bytes()));
                    let target = self.indexed(tab, key, value.line)?;
                    let v = self.expr(value)?;
                    self.store_var(target, v, last_line(value))?;
                    self.fs().freereg = save;
                }
                TableField::Keyed { key, value } => {
                    nh += 1;
                    let save = self.fsr().freereg;
                    let tab = Exp::new(ExpKind::NonReloc(t));
                    let mut k = self.expr(key)?;
                    self.discharge_vars(&mut k, key.line);
                    let target = self.indexed(tab, k, key.line)?;
                    let v = self.expr(value)?;
                    self.store_var(target, v, last_line(value))?;
                    self.fs().freereg = save;
                }
            }
        }
        // lastlistfield
        if tostore > 0 {
            let vline = pending.as_ref().map_or(line, |p| p.1);
            match pending.take() {
                Some((mut v, _)) if v.is_multi() => {
                    self.set_returns(&mut v, MULTRET, vline)?;
                    self.emit(
                        Op::SetList {
                            table: t,
                            n: MULTRET,
                            offset: na,
                        },
                        vline,
                    );
                    na += tostore - 1;
                }
                other => {
                    if let Some((mut v, _)) = other {
                        self.exp2nextreg(&mut v, vline)?;
                    }
                    self.emit(
                        Op::SetList {
                            table: t,
                            n: tostore as u8,
                            offset: na,
                        },
                        vline,
                    );
                    na += tostore;
                }
            }
            self.fs().freereg = t as u32 + 1;
        }
        if let Some(Op::NewTable { array, hash, .. }) = self.op_at(table_loc) {
            *array = na.min(u16::MAX as u32) as u16;
            *hash = nh.min(u16::MAX as u32) as u16;
        }
        Ok(Exp::new(ExpKind::NonReloc(t)))
    }

    /// Store `ex` into the variable `var` (`luaK_storevar`).
    pub(crate) fn store_var(&mut self, var: Exp<'a>, mut ex: Exp<'a>, line: u32) -> CResult<()> {
        match var.kind {
            ExpKind::Local(r) => {
                self.free_exp(&ex);
                self.discharge_to(&mut ex, r, line);
                return Ok(());
            }
            ExpKind::Upval(up) => {
                let src = self.exp2anyreg(&mut ex, line)?;
                self.emit(Op::SetUpval { up, src }, line);
            }
            ExpKind::IndexUp { up, key } => {
                let val = self.exp2rk(&mut ex, line)?;
                self.emit(Op::SetTabUp { up, key, val }, line);
            }
            ExpKind::IndexStr { obj, key } => {
                let val = self.exp2rk(&mut ex, line)?;
                let loc = self.emit(Op::SetField { obj, key, val }, line);
                let pc = self.pc_at(loc);
                self.note_name(pc, obj, var.obj_name);
            }
            ExpKind::IndexInt { obj, idx } => {
                let val = self.exp2rk(&mut ex, line)?;
                let loc = self.emit(
                    Op::SetI {
                        obj,
                        index: idx,
                        val,
                    },
                    line,
                );
                let pc = self.pc_at(loc);
                self.note_name(pc, obj, var.obj_name);
            }
            ExpKind::Index { obj, key } => {
                let val = self.exp2rk(&mut ex, line)?;
                let loc = self.emit(Op::SetTable { obj, key, val }, line);
                let pc = self.pc_at(loc);
                self.note_name(pc, obj, var.obj_name);
            }
            _ => return Err(self.error(line, "internal error: bad assignment target")),
        }
        self.free_exp(&ex);
        Ok(())
    }

    // ---- operators ----------------------------------------------------

    fn binary(
        &mut self,
        whole: &'a Expr<'a>,
        op: BinOp,
        lhs: &'a Expr<'a>,
        rhs: &'a Expr<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        use BinOp::*;
        match op {
            // Comparisons joined by `and`/`or` give a boolean: one
            // condition with one `true`/`false` at its end, as PUC's jump
            // lists do, rather than a value per operand.
            And | Or if is_boolean(whole) => {
                let c = self.cond(whole)?;
                self.cond_value(c, line)
            }
            And | Or => self.and_or(op, lhs, rhs, line),
            Eq | Ne | Lt | Le | Gt | Ge => {
                let c = self.cond(whole)?;
                self.cond_value(c, line)
            }
            Concat => {
                let mut e1 = self.expr(lhs)?;
                // The left operand is discharged once the operator is read
                // (`luaK_infix`): on the operator's line.
                e1.line = 0;
                let r1 = self.exp2nextreg(&mut e1, line)?;
                let mut e2 = self.expr(rhs)?;
                let r2 = self.exp2nextreg(&mut e2, line)?;
                let merged = match self.last_op() {
                    Some((loc, Op::Concat { first, n })) if first == r2 && r2 == r1 + 1 => {
                        if let Some(op) = self.op_at(loc) {
                            *op = Op::Concat {
                                first: r1,
                                n: n.saturating_add(1),
                            };
                        }
                        // The merged instruction keeps the line of the
                        // innermost `..`, as lcode.c's codeconcat does.
                        let pc = self.pc_at(loc);
                        self.note_name(pc, r1, e1.name);
                        true
                    }
                    _ => false,
                };
                if !merged {
                    let loc = self.emit(Op::Concat { first: r1, n: 2 }, line);
                    let pc = self.pc_at(loc);
                    self.note_name(pc, r1, e1.name);
                    self.note_name(pc, r2, e2.name);
                }
                self.free_reg(r2);
                Ok(Exp::new(ExpKind::NonReloc(r1)))
            }
            _ => {
                let mut e1 = self.expr(lhs)?;
                if e1.numeral().is_none() {
                    // As for `..`: on the operator's line.
                    e1.line = 0;
                    self.exp2anyreg(&mut e1, line)?;
                }
                let mut e2 = self.expr(rhs)?;
                if let (Some(a), Some(b)) = (e1.numeral(), e2.numeral())
                    && let Some(r) = fold_binary(op, a, b)
                {
                    return Ok(Exp::from_num(r));
                }
                self.arith(op, &mut e1, &mut e2, line)
            }
        }
    }

    fn arith(
        &mut self,
        op: BinOp,
        e1: &mut Exp<'a>,
        e2: &mut Exp<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        use BinOp::*;
        let imm = match e2.kind {
            ExpKind::Int(i) => fits_i16(i),
            _ => None,
        };
        if let Some(imm) = imm
            && matches!(op, Add | Sub | Shl | Shr)
        {
            let a = self.exp2anyreg(e1, line)?;
            self.free_exp(e1);
            let dst = 0;
            let o = match op {
                Add => Op::AddI { dst, a, imm },
                Sub => Op::SubI { dst, a, imm },
                Shl => Op::ShlI { dst, a, imm },
                _ => Op::ShrI { dst, a, imm },
            };
            let loc = self.emit(o, line);
            let pc = self.pc_at(loc);
            self.note_name(pc, a, e1.name);
            return Ok(Exp::new(ExpKind::Reloc(loc)));
        }
        if e2.numeral().is_some()
            && !matches!(op, Shl | Shr)
            && let Some(k) = self.exp2k(e2)
            && let Ok(k) = u16::try_from(k)
        {
            let a = self.exp2anyreg(e1, line)?;
            self.free_exp(e1);
            let dst = 0;
            let o = match op {
                Add => Op::AddK { dst, a, k },
                Sub => Op::SubK { dst, a, k },
                Mul => Op::MulK { dst, a, k },
                Mod => Op::ModK { dst, a, k },
                Pow => Op::PowK { dst, a, k },
                Div => Op::DivK { dst, a, k },
                IDiv => Op::IDivK { dst, a, k },
                BAnd => Op::BAndK { dst, a, k },
                BOr => Op::BOrK { dst, a, k },
                _ => Op::BXorK { dst, a, k },
            };
            let loc = self.emit(o, line);
            let pc = self.pc_at(loc);
            self.note_name(pc, a, e1.name);
            return Ok(Exp::new(ExpKind::Reloc(loc)));
        }
        let b = self.exp2anyreg(e2, line)?;
        let a = self.exp2anyreg(e1, line)?;
        self.free_exps(e1, e2);
        let dst = 0;
        let o = match op {
            Add => Op::Add { dst, a, b },
            Sub => Op::Sub { dst, a, b },
            Mul => Op::Mul { dst, a, b },
            Mod => Op::Mod { dst, a, b },
            Pow => Op::Pow { dst, a, b },
            Div => Op::Div { dst, a, b },
            IDiv => Op::IDiv { dst, a, b },
            BAnd => Op::BAnd { dst, a, b },
            BOr => Op::BOr { dst, a, b },
            BXor => Op::BXor { dst, a, b },
            Shl => Op::Shl { dst, a, b },
            _ => Op::Shr { dst, a, b },
        };
        let loc = self.emit(o, line);
        let pc = self.pc_at(loc);
        self.note_name(pc, a, e1.name);
        if b != a {
            self.note_name(pc, b, e2.name);
        }
        Ok(Exp::new(ExpKind::Reloc(loc)))
    }

    fn unary(
        &mut self,
        whole: &'a Expr<'a>,
        op: UnOp,
        operand: &'a Expr<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        if op == UnOp::Not && is_condlike(operand) {
            let c = self.cond(whole)?;
            return self.cond_value(c, line);
        }
        let mut e = self.expr(operand)?;
        if let Some(n) = e.numeral()
            && let Some(r) = fold_unary(op, n)
        {
            return Ok(Exp::from_num(r));
        }
        if op == UnOp::Not {
            match e.kind {
                ExpKind::Nil | ExpKind::False => return Ok(Exp::new(ExpKind::True)),
                ExpKind::True | ExpKind::Int(_) | ExpKind::Float(_) | ExpKind::Str(_) => {
                    return Ok(Exp::new(ExpKind::False));
                }
                _ => {}
            }
        }
        let src = self.exp2anyreg(&mut e, line)?;
        self.free_exp(&e);
        let dst = 0;
        let o = match op {
            UnOp::Neg => Op::Unm { dst, src },
            UnOp::BNot => Op::BNot { dst, src },
            UnOp::Not => Op::Not { dst, src },
            UnOp::Len => Op::Len { dst, src },
        };
        let loc = self.emit(o, line);
        if op != UnOp::Not {
            let pc = self.pc_at(loc);
            self.note_name(pc, src, e.name);
        }
        Ok(Exp::new(ExpKind::Reloc(loc)))
    }

    /// `a and b` / `a or b` as a value: `a` goes to a fresh register, and
    /// `b` overwrites it only when `a` does not decide the result.
    fn and_or(
        &mut self,
        op: BinOp,
        lhs: &'a Expr<'a>,
        rhs: &'a Expr<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        if is_boolean(lhs) {
            return self.and_or_cond(op, lhs, rhs, line);
        }
        if op == BinOp::Or
            && let ExprKind::Binary {
                op: BinOp::And,
                lhs: a,
                rhs: b,
            } = &lhs.kind
            && is_boolean(a)
            && straight(b)
        {
            return self.ternary(a, b, rhs, line);
        }
        let mut e1 = self.expr(lhs)?;
        if let Some(v) = e1.as_const() {
            let truthy = !matches!(v, KVal::Nil | KVal::Bool(false));
            // As `luaK_posfix`: the result is one value even when `b` is
            // a call or `...` (`3 and f()` gives f's first result only).
            return if (op == BinOp::And) == truthy {
                let mut e2 = self.expr(rhs)?;
                self.discharge_vars(&mut e2, rhs.line);
                Ok(e2)
            } else {
                Ok(e1)
            };
        }
        let r = self.exp2nextreg(&mut e1, line)?;
        let pc = self.count_jump(line);
        let cond = Cond::Leaf {
            pre: Block::default(),
            test: Test::Truthy(r),
            negate: op == BinOp::Or,
            pc,
        };
        self.value_if(cond, rhs, r)
    }

    /// `a and b` / `a or b` as a value where `a` is a condition (a
    /// comparison, a `not`, ...): `a`'s boolean is only materialised where
    /// it is the result (`false` for `and`, `true` for `or`), as PUC's
    /// jump lists leave it.
    fn and_or_cond(
        &mut self,
        op: BinOp,
        lhs: &'a Expr<'a>,
        rhs: &'a Expr<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        let r = self.reserve_reg(line)?;
        let cond = self.cond(lhs)?;
        if op == BinOp::And {
            self.cond_into(cond, r, Fill::Value(rhs), Fill::Bool(false), line)
        } else {
            self.cond_into(cond, r, Fill::Bool(true), Fill::Value(rhs), line)
        }
    }

    /// `if cond then r := then_ else r := else_ end`, `r` reserved.
    fn cond_into(
        &mut self,
        cond: Cond,
        r: Reg,
        then_: Fill<'a>,
        else_: Fill<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        self.open_block();
        self.fill(then_, r, line)?;
        let then_ = self.close_block();
        let jump_pc = self.count_jump(line);
        self.open_block();
        self.fill(else_, r, line)?;
        let else_ = self.close_block();
        self.push_node(Node::If(Box::new(If {
            cond,
            then_,
            else_,
            jump_pc,
        })));
        Ok(Exp::new(ExpKind::NonReloc(r)))
    }

    fn fill(&mut self, f: Fill<'a>, r: Reg, line: u32) -> CResult<()> {
        match f {
            Fill::Bool(true) => self.emit(Op::LoadTrue { dst: r }, line),
            Fill::Bool(false) => self.emit(Op::LoadFalse { dst: r }, line),
            Fill::Value(e) => return self.value_into(e, r),
        };
        Ok(())
    }

    /// `a and b or c` as a value, `a` a condition and `b` code without
    /// jumps ([`straight`]): the usual conditional expression, compiled as
    /// PUC does with jump lists, as one `If` whose condition carries `b`:
    /// `if not (a and (r := b)) then r := c end`. Neither `a`'s boolean
    /// nor `a and b`'s value is materialised and tested again.
    fn ternary(
        &mut self,
        a: &'a Expr<'a>,
        b: &'a Expr<'a>,
        c: &'a Expr<'a>,
        line: u32,
    ) -> CResult<Exp<'a>> {
        let r = self.reserve_reg(line)?;
        let ca = self.cond(a)?;
        self.open_block();
        self.value_into(b, r)?;
        let pre = self.close_block();
        let pc = self.count_jump(line);
        let cb = Cond::Leaf {
            pre,
            test: Test::Truthy(r),
            negate: false,
            pc,
        };
        self.value_if(negate(Cond::and(ca, cb)), c, r)
    }

    /// `if cond then r := e end`, `r` reserved.
    fn value_if(&mut self, cond: Cond, e: &'a Expr<'a>, r: Reg) -> CResult<Exp<'a>> {
        self.open_block();
        self.value_into(e, r)?;
        let then_ = self.close_block();
        self.push_node(Node::If(Box::new(If {
            cond,
            then_,
            else_: Block::default(),
            jump_pc: 0,
        })));
        Ok(Exp::new(ExpKind::NonReloc(r)))
    }

    /// Compile `e` into register `r`, the last one reserved (one value).
    ///
    /// `r`'s value is dead here (it is about to receive `e`'s), so `e` is
    /// compiled with `r` free again: a constructor or a call builds its
    /// value there instead of one register up and a `Move`, as PUC's jump
    /// lists leave it (`x or {}`).
    fn value_into(&mut self, e: &'a Expr<'a>, r: Reg) -> CResult<()> {
        self.fs().freereg = r as u32;
        let mut ex = self.expr(e)?;
        self.free_exp(&ex);
        self.discharge_to(&mut ex, r, e.line);
        self.fs().freereg = r as u32 + 1;
        Ok(())
    }

    /// Materialise a condition as a boolean in a fresh register.
    fn cond_value(&mut self, cond: Cond, line: u32) -> CResult<Exp<'a>> {
        let r = self.reserve_reg(line)?;
        self.cond_into(cond, r, Fill::Bool(true), Fill::Bool(false), line)
    }

    // ---- conditions ---------------------------------------------------

    /// Compile a chain `c1 op c2 op ... op cn` of one short-circuit
    /// operator (`and` or `or`) as a condition.
    ///
    /// The parser gives such a chain as a left-deep tree as long as the
    /// source chain, so a literal translation would make `Cond` trees (and
    /// every recursive walk over them: drop, flatten, listing, the tree
    /// executor's leaf lookup) that deep. Both operators are associative
    /// for conditions — `(a and b) and c` and `a and (b and c)` evaluate
    /// the same leaves in the same order with the same short-circuits — so
    /// the operands are compiled in source order and joined into a balanced
    /// tree, whose depth is logarithmic in the chain's length.
    fn cond_chain(&mut self, op: BinOp, e: &'a Expr<'a>) -> CResult<Cond> {
        let mut operands = Vec::new();
        let mut head = e;
        while let ExprKind::Binary { op: o, lhs, rhs } = &head.kind {
            if *o != op {
                break;
            }
            operands.push(*rhs);
            head = lhs;
        }
        operands.push(head);
        operands.reverse();
        let mut conds = Vec::with_capacity(operands.len());
        for operand in operands {
            conds.push(self.cond(operand)?);
        }
        Ok(balanced(op, conds))
    }

    /// Compile `e` as a condition.
    pub(crate) fn cond(&mut self, e: &'a Expr<'a>) -> CResult<Cond> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.cond_inner(e))
    }

    fn cond_inner(&mut self, e: &'a Expr<'a>) -> CResult<Cond> {
        match &e.kind {
            ExprKind::Paren(inner) => self.cond(inner),
            ExprKind::Binary {
                op: op @ (BinOp::And | BinOp::Or),
                ..
            } => self.cond_chain(*op, e),
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => Ok(negate(self.cond(operand)?)),
            ExprKind::Binary { op, lhs, rhs }
                if matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                ) =>
            {
                self.compare(*op, lhs, rhs, e.line)
            }
            _ => {
                let save = self.fsr().freereg;
                self.open_block();
                let mut ex = self.expr(e)?;
                let r = self.exp2anyreg(&mut ex, e.line)?;
                let pre = self.close_block();
                let pc = self.count_jump(e.line);
                self.fs().freereg = save;
                Ok(Cond::Leaf {
                    pre,
                    test: Test::Truthy(r),
                    negate: false,
                    pc,
                })
            }
        }
    }

    fn compare(
        &mut self,
        op: BinOp,
        lhs: &'a Expr<'a>,
        rhs: &'a Expr<'a>,
        line: u32,
    ) -> CResult<Cond> {
        let save = self.fsr().freereg;
        self.open_block();
        let mut e1 = self.expr(lhs)?;
        let test;
        let mut negate = false;
        match op {
            BinOp::Eq | BinOp::Ne => {
                negate = op == BinOp::Ne;
                if e1.numeral().is_none() && e1.as_const().is_none() {
                    self.exp2anyreg(&mut e1, line)?;
                }
                let mut e2 = self.expr(rhs)?;
                if !matches!(e1.kind, ExpKind::NonReloc(_)) {
                    std::mem::swap(&mut e1, &mut e2);
                }
                let r1 = self.exp2anyreg(&mut e1, line)?;
                let imm = match e2.kind {
                    ExpKind::Int(i) => fits_i8(i),
                    _ => None,
                };
                test = if let Some(i) = imm {
                    Test::EqI(r1, i)
                } else if let Some(k) = self.exp2k(&e2)
                    && let Ok(k) = u8::try_from(k)
                {
                    Test::EqK(r1, k)
                } else {
                    let r2 = self.exp2anyreg(&mut e2, line)?;
                    Test::Eq(r1, r2)
                };
            }
            _ => {
                if e1.numeral().is_none() {
                    self.exp2anyreg(&mut e1, line)?;
                }
                let mut e2 = self.expr(rhs)?;
                let imm2 = match e2.kind {
                    ExpKind::Int(i) => fits_i8(i),
                    _ => None,
                };
                let imm1 = match e1.kind {
                    ExpKind::Int(i) => fits_i8(i),
                    _ => None,
                };
                test = if let Some(i) = imm2 {
                    let r1 = self.exp2anyreg(&mut e1, line)?;
                    match op {
                        BinOp::Lt => Test::LtI(r1, i),
                        BinOp::Le => Test::LeI(r1, i),
                        BinOp::Gt => Test::GtI(r1, i),
                        _ => Test::GeI(r1, i),
                    }
                } else if let Some(i) = imm1 {
                    let r2 = self.exp2anyreg(&mut e2, line)?;
                    match op {
                        BinOp::Lt => Test::GtI(r2, i),
                        BinOp::Le => Test::GeI(r2, i),
                        BinOp::Gt => Test::LtI(r2, i),
                        _ => Test::LeI(r2, i),
                    }
                } else {
                    let r2 = self.exp2anyreg(&mut e2, line)?;
                    let r1 = self.exp2anyreg(&mut e1, line)?;
                    match op {
                        BinOp::Lt => Test::Lt(r1, r2),
                        BinOp::Le => Test::Le(r1, r2),
                        BinOp::Gt => Test::Lt(r2, r1),
                        _ => Test::Le(r2, r1),
                    }
                };
            }
        }
        let pre = self.close_block();
        // PUC-Rio emits the comparison when the right operand has been
        // read (no `fixline` to the operator, unlike arithmetic).
        let pc = self.count_jump(line.max(last_line(rhs)));
        self.fs().freereg = save;
        Ok(Cond::Leaf {
            pre,
            test,
            negate,
            pc,
        })
    }
}

/// Join conditions (in evaluation order) with `op` into a balanced tree.
fn balanced(op: BinOp, mut conds: Vec<Cond>) -> Cond {
    if conds.len() == 1 {
        return conds.pop().expect("one condition");
    }
    let right = conds.split_off(conds.len() / 2);
    let (a, b) = (balanced(op, conds), balanced(op, right));
    if op == BinOp::And {
        Cond::and(a, b)
    } else {
        Cond::or(a, b)
    }
}

/// The condition that holds exactly when `c` does not (De Morgan).
pub(crate) fn negate(c: Cond) -> Cond {
    match c {
        Cond::Leaf {
            pre,
            test,
            negate,
            pc,
        } => Cond::Leaf {
            pre,
            test,
            negate: !negate,
            pc,
        },
        Cond::And(a, b, n) => Cond::Or(Box::new(negate(*a)), Box::new(negate(*b)), n),
        Cond::Or(a, b, n) => Cond::And(Box::new(negate(*a)), Box::new(negate(*b)), n),
    }
}

/// What one branch of [`Compiler::cond_into`] puts in the register.
enum Fill<'a> {
    Bool(bool),
    Value(&'a Expr<'a>),
}

/// Whether `e` compiles to plain instructions, with no jump (no `and`,
/// `or` or comparison outside a function body), so that its code may be
/// the `pre` block of a condition's leaf.
fn straight(e: &Expr<'_>) -> bool {
    match &e.kind {
        ExprKind::Nil
        | ExprKind::True
        | ExprKind::False
        | ExprKind::Vararg
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Function(_)
        | ExprKind::Name(_) => true,
        ExprKind::Paren(inner) => straight(inner),
        ExprKind::Unary { operand, .. } => straight(operand),
        ExprKind::Binary { op, lhs, rhs } => {
            !matches!(
                op,
                BinOp::And
                    | BinOp::Or
                    | BinOp::Eq
                    | BinOp::Ne
                    | BinOp::Lt
                    | BinOp::Le
                    | BinOp::Gt
                    | BinOp::Ge
            ) && straight(lhs)
                && straight(rhs)
        }
        ExprKind::Index { obj, key } => straight(obj) && straight(key),
        ExprKind::Call { func, args } => straight(func) && args.iter().all(straight),
        ExprKind::MethodCall { obj, args, .. } => straight(obj) && args.iter().all(straight),
        ExprKind::Table(fields) => fields.iter().all(|f| match f {
            ast::TableField::Positional(v) | ast::TableField::Named { value: v, .. } => straight(v),
            ast::TableField::Keyed { key, value } => straight(key) && straight(value),
        }),
    }
}

/// Whether `e` is naturally a condition (comparison, `and`/`or`, `not`).
fn is_condlike(e: &Expr<'_>) -> bool {
    match &e.kind {
        ExprKind::Paren(inner) => is_condlike(inner),
        ExprKind::Binary { op, .. } => matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        ),
        ExprKind::Unary {
            op: UnOp::Not,
            operand,
        } => is_condlike(operand),
        _ => false,
    }
}

/// Whether `e` is a constant that is always true in a condition.
pub(crate) fn is_const_true(e: &ast::Expr<'_>) -> bool {
    matches!(
        e.kind,
        ExprKind::True | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_)
    )
}

/// Whether `e` is a constant that is always false in a condition.
pub(crate) fn is_const_false(e: &ast::Expr<'_>) -> bool {
    matches!(e.kind, ExprKind::Nil | ExprKind::False)
}

/// The line of the last token of `e`, as far as the AST tells (PUC-Rio
/// attributes some instructions to the last token read when they are
/// emitted; closing brackets and parentheses are not in the AST, so their
/// line is approximated by their content's).
/// `e` always gives a boolean: a comparison, a `not`, or `and`/`or` of
/// such. Left-deep chains are walked in a loop (they can be very long);
/// right operands recurse, bounded by the parser's nesting limit.
fn is_boolean(e: &Expr<'_>) -> bool {
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::Paren(inner) => e = inner,
            ExprKind::Unary { op: UnOp::Not, .. } => return true,
            ExprKind::Binary { op, lhs, rhs } => match op {
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    return true;
                }
                BinOp::And | BinOp::Or => {
                    if !is_boolean(rhs) {
                        return false;
                    }
                    e = lhs;
                }
                _ => return false,
            },
            _ => return false,
        }
    }
}

pub(crate) fn last_line(e: &Expr<'_>) -> u32 {
    let inner = match &e.kind {
        ExprKind::Binary { rhs, .. } => last_line(rhs),
        ExprKind::Unary { operand, .. } => last_line(operand),
        ExprKind::Index { key, .. } => last_line(key),
        ExprKind::Call { args, .. } | ExprKind::MethodCall { args, .. } => {
            args.last().map_or(0, last_line)
        }
        ExprKind::Paren(inner) => last_line(inner),
        ExprKind::Function(body) => body.end_line,
        ExprKind::Table(fields) => fields.last().map_or(0, |f| match f {
            TableField::Positional(v) | TableField::Named { value: v, .. } => last_line(v),
            TableField::Keyed { value, .. } => last_line(value),
        }),
        _ => 0,
    };
    inner.max(e.line)
}
