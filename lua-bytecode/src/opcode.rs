//! The instruction set: [`Op`] (one 8-byte `Copy` type shared by both code
//! forms), the [`Test`] of a conditional and the [`RK`] operand.
//!
//! # Conventions
//!
//! - `R[x]` is register `x` of the running function's window (registers are
//!   `u8`: a function has at most 255, as in PUC-Rio Lua).
//! - `K[k]` is constant `k` of [`crate::Proto::constants`].
//! - `U[u]` is upvalue `u` of the running closure.
//! - `top` is the end of the values produced by the previous instruction that
//!   had a variable result count (a `Call` or `Vararg` with [`MULTRET`]); an
//!   operand count of [`MULTRET`] means "from here up to top".
//! - Arithmetic, bitwise, comparison, concatenation, length and indexing
//!   instructions perform the full Lua operation including coercions and
//!   metamethods (there is no separate `MMBIN` instruction as in PUC-Rio).
//!
//! # The two forms
//!
//! Every variant except the ones marked *flat only* may appear in the
//! structured form (inside [`crate::Node::Op`]). The *flat only* variants
//! (`Jmp`, the conditional jumps `JTruthy` ... `JGeI`, `ForPrep`,
//! `ForLoop`, `TForPrep`, `TForCall`, `TForLoop`) are produced by
//! [`crate::flatten()`] to lower the structured control nodes; their
//! `target` is an index into [`crate::FlatCode::code`].

/// A register number.
pub type Reg = u8;

/// Operand count meaning "variable: up to top" (arguments, results, list
/// items, varargs).
pub const MULTRET: u8 = u8::MAX;

/// A register-or-constant operand (the value stored by the `Set*`
/// instructions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RK {
    /// `R[r]`
    R(Reg),
    /// `K[k]`
    K(u16),
}

/// The test of a conditional: evaluated to a boolean by the tree executor
/// (in a [`crate::Cond::Leaf`]) and by the flat conditional jumps
/// ([`Op::cond_jump`]).
///
/// Comparisons follow Lua's rules (`__eq`, `__lt`, `__le` metamethods,
/// integer/float exactness, string order); they may raise errors such as
/// "attempt to compare two table values". Immediate forms compare with a
/// small integer; `EqK` with any constant (nil, boolean, number, string).
/// `a > b` and `a >= b` are compiled as `Lt(b, a)` / `Le(b, a)`, so operand
/// order in error messages is the source order reversed, as in PUC-Rio.
/// The immediate orders keep the operands' roles: `GtI(a, i)` is `i < R[a]`
/// (an `__lt` metamethod is called as `__lt(i, R[a])`), `GeI(a, i)` is
/// `i <= R[a]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Test {
    /// `R[a]` is neither nil nor false.
    Truthy(Reg),
    /// `R[a] == R[b]`
    Eq(Reg, Reg),
    /// `R[a] < R[b]`
    Lt(Reg, Reg),
    /// `R[a] <= R[b]`
    Le(Reg, Reg),
    /// `R[a] == K[k]` (raw equality: a constant never has metamethods)
    EqK(Reg, u8),
    /// `R[a] == i`
    EqI(Reg, i8),
    /// `R[a] < i`
    LtI(Reg, i8),
    /// `R[a] <= i`
    LeI(Reg, i8),
    /// `R[a] > i`
    GtI(Reg, i8),
    /// `R[a] >= i`
    GeI(Reg, i8),
}

/// One instruction. `size_of::<Op>() == 8` (pinned by a compile-time
/// assertion at the end of this file).
///
/// The `K` and immediate arithmetic forms have the same semantics as the
/// register forms with the constant as the right operand: metamethods get
/// `(R[a], K[k])` / `(R[a], imm)` with `imm` an integer, error messages name
/// only `R[a]`. There is no `VARARGPREP`: an executor sets up the varargs
/// of a vararg function (`Proto::is_vararg`, `Proto::num_params`) when it
/// calls it. `TailCall` is not followed by a `Return`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// `R[dst] := R[src]`
    Move { dst: Reg, src: Reg },
    /// `R[dst] := value` (an integer)
    LoadI { dst: Reg, value: i32 },
    /// `R[dst] := value as float` (a float with a small integral value)
    LoadF { dst: Reg, value: i32 },
    /// `R[dst] := K[k]`
    LoadK { dst: Reg, k: u32 },
    /// `R[dst] := false`
    LoadFalse { dst: Reg },
    /// `R[dst] := true`
    LoadTrue { dst: Reg },
    /// `R[dst], ..., R[dst+n-1] := nil` (`n >= 1`)
    LoadNil { dst: Reg, n: u8 },
    /// `R[dst] := U[up]`
    GetUpval { dst: Reg, up: u8 },
    /// `U[up] := R[src]`
    SetUpval { up: u8, src: Reg },
    /// `R[dst] := U[up][K[key]]` (`K[key]` is a string; global reads)
    GetTabUp { dst: Reg, up: u8, key: u16 },
    /// `R[dst] := R[obj][R[key]]`
    GetTable { dst: Reg, obj: Reg, key: Reg },
    /// `R[dst] := R[obj][index]` (integer key)
    GetI { dst: Reg, obj: Reg, index: u16 },
    /// `R[dst] := R[obj][K[key]]` (`K[key]` is a string)
    GetField { dst: Reg, obj: Reg, key: u16 },
    /// `U[up][K[key]] := val` (`K[key]` is a string; global writes)
    SetTabUp { up: u8, key: u16, val: RK },
    /// `R[obj][R[key]] := val`
    SetTable { obj: Reg, key: Reg, val: RK },
    /// `R[obj][index] := val` (integer key)
    SetI { obj: Reg, index: u16, val: RK },
    /// `R[obj][K[key]] := val` (`K[key]` is a string)
    SetField { obj: Reg, key: u16, val: RK },
    /// `R[dst] := {}` with room for `array` list items and `hash` fields
    /// (hints, saturated at `u16::MAX`).
    NewTable { dst: Reg, array: u16, hash: u16 },
    /// `R[dst+1] := R[obj]; R[dst] := R[obj][K[key]]` (method lookup for
    /// `obj:key(...)`; `K[key]` is a string)
    Method { dst: Reg, obj: Reg, key: u16 },

    /// `R[dst] := R[a] + R[b]`
    Add { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] - R[b]`
    Sub { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] * R[b]`
    Mul { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] % R[b]`
    Mod { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] ^ R[b]`
    Pow { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] / R[b]`
    Div { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] // R[b]`
    IDiv { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] & R[b]`
    BAnd { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] | R[b]`
    BOr { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] ~ R[b]`
    BXor { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] << R[b]`
    Shl { dst: Reg, a: Reg, b: Reg },
    /// `R[dst] := R[a] >> R[b]`
    Shr { dst: Reg, a: Reg, b: Reg },

    /// `R[dst] := R[a] + K[k]` (`K[k]` is a number)
    AddK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] - K[k]`
    SubK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] * K[k]`
    MulK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] % K[k]`
    ModK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] ^ K[k]`
    PowK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] / K[k]`
    DivK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] // K[k]`
    IDivK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] & K[k]`
    BAndK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] | K[k]`
    BOrK { dst: Reg, a: Reg, k: u16 },
    /// `R[dst] := R[a] ~ K[k]`
    BXorK { dst: Reg, a: Reg, k: u16 },

    /// `R[dst] := R[a] + imm`
    AddI { dst: Reg, a: Reg, imm: i16 },
    /// `R[dst] := R[a] - imm`
    SubI { dst: Reg, a: Reg, imm: i16 },
    /// `R[dst] := R[a] << imm`
    ShlI { dst: Reg, a: Reg, imm: i16 },
    /// `R[dst] := R[a] >> imm`
    ShrI { dst: Reg, a: Reg, imm: i16 },

    /// `R[dst] := -R[src]`
    Unm { dst: Reg, src: Reg },
    /// `R[dst] := ~R[src]`
    BNot { dst: Reg, src: Reg },
    /// `R[dst] := not R[src]`
    Not { dst: Reg, src: Reg },
    /// `R[dst] := #R[src]`
    Len { dst: Reg, src: Reg },
    /// `R[first] := R[first] .. ... .. R[first+n-1]` (`n >= 2`)
    Concat { first: Reg, n: u8 },

    /// Close every open upvalue of a register `>= from` and call the
    /// `__close` of every to-be-closed variable `>= from` (last first).
    Close { from: Reg },
    /// Mark `R[reg]` as a to-be-closed variable (`local x <close>`): raise
    /// "variable 'x' got a non-closable value" unless it is nil, false or
    /// has a `__close` metamethod.
    Tbc { reg: Reg },

    /// `R[func], ... := R[func](R[func+1], ..., R[func+nargs])`.
    /// `nargs == MULTRET`: the arguments run up to top. `nresults ==
    /// MULTRET`: keep every result and set top after the last; otherwise
    /// adjust to exactly `nresults` values in `R[func..]`.
    Call { func: Reg, nargs: u8, nresults: u8 },
    /// `return R[func](R[func+1], ..., R[func+nargs])` as a proper tail call
    /// (`nargs` as in `Call`).
    TailCall { func: Reg, nargs: u8 },
    /// `return R[first], ..., R[first+n-1]` (`n == MULTRET`: up to top).
    /// If [`crate::Proto::needs_close`], close upvalues and to-be-closed
    /// variables first (as `Close { from: 0 }`).
    Return { first: Reg, n: u8 },
    /// `return` (no values).
    Return0,
    /// `return R[src]`
    Return1 { src: Reg },
    /// `R[dst], ..., R[dst+n-1] := ...` (`n == MULTRET`: all of them, top
    /// set after the last).
    Vararg { dst: Reg, n: u8 },
    /// `R[dst] := closure(Proto::protos[proto])`, capturing upvalues as the
    /// child's [`crate::UpvalDesc`]s say.
    Closure { dst: Reg, proto: u32 },
    /// `R[table][offset+i] := R[table+i]` for `1 <= i <= n` (`n ==
    /// MULTRET`: up to top).
    SetList { table: Reg, n: u8, offset: u32 },

    /// *Flat only.* `pc := target`
    Jmp { target: u32 },
    /// *Flat only.* The conditional jumps, one per kind of [`Test`]: if
    /// the test's outcome is `when`, `pc := target`. Each names its test in
    /// the opcode itself, so dispatch decodes the test too (no second
    /// `match` on a `Test`); [`Op::cond_jump`] builds one from a `Test` and
    /// [`Op::as_cond_jump`] gives any of them back as one.
    /// `R[a]` is neither nil nor false.
    JTruthy { a: Reg, when: bool, target: u32 },
    /// `R[a] == R[b]`
    JEq {
        a: Reg,
        b: Reg,
        when: bool,
        target: u32,
    },
    /// `R[a] < R[b]`
    JLt {
        a: Reg,
        b: Reg,
        when: bool,
        target: u32,
    },
    /// `R[a] <= R[b]`
    JLe {
        a: Reg,
        b: Reg,
        when: bool,
        target: u32,
    },
    /// `R[a] == K[k]`
    JEqK {
        a: Reg,
        k: u8,
        when: bool,
        target: u32,
    },
    /// `R[a] == imm`
    JEqI {
        a: Reg,
        imm: i8,
        when: bool,
        target: u32,
    },
    /// `R[a] < imm`
    JLtI {
        a: Reg,
        imm: i8,
        when: bool,
        target: u32,
    },
    /// `R[a] <= imm`
    JLeI {
        a: Reg,
        imm: i8,
        when: bool,
        target: u32,
    },
    /// `R[a] > imm`
    JGtI {
        a: Reg,
        imm: i8,
        when: bool,
        target: u32,
    },
    /// `R[a] >= imm`
    JGeI {
        a: Reg,
        imm: i8,
        when: bool,
        target: u32,
    },
    /// *Flat only.* Numeric `for` setup: `R[base]` initial value,
    /// `R[base+1]` limit, `R[base+2]` step (errors: "'for' initial value
    /// must be a number", "'for' step is zero", ...). If the loop runs at
    /// least once, `R[base+3] := R[base]` and fall through into the body;
    /// otherwise `pc := target` (after the loop).
    ForPrep { base: Reg, target: u32 },
    /// *Flat only.* Numeric `for` step: advance the control value; if the
    /// loop continues, `R[base+3] :=` the new value and `pc := target` (the
    /// body start).
    ForLoop { base: Reg, target: u32 },
    /// *Flat only.* Generic `for` setup: mark `R[base+3]` (the closing
    /// value) to-be-closed, then `pc := target` (the `TForCall`).
    TForPrep { base: Reg, target: u32 },
    /// *Flat only.* `R[base+4], ..., R[base+3+nvars] := R[base](R[base+1],
    /// R[base+2])`. The executor may use `R[base+4..base+7]` as scratch to
    /// make the call, as PUC-Rio does (the frame always has room).
    TForCall { base: Reg, nvars: u8 },
    /// *Flat only.* If `R[base+4] ~= nil` then `R[base+2] := R[base+4]` and
    /// `pc := target` (the body start).
    TForLoop { base: Reg, target: u32 },
}

/// The pattern of every flat conditional jump (`JTruthy` ... `JGeI`), for
/// `match` arms that treat them alike (their fields are
/// [`Op::as_cond_jump`]'s).
#[macro_export]
macro_rules! cond_jumps {
    () => {
        $crate::Op::JTruthy { .. }
            | $crate::Op::JEq { .. }
            | $crate::Op::JLt { .. }
            | $crate::Op::JLe { .. }
            | $crate::Op::JEqK { .. }
            | $crate::Op::JEqI { .. }
            | $crate::Op::JLtI { .. }
            | $crate::Op::JLeI { .. }
            | $crate::Op::JGtI { .. }
            | $crate::Op::JGeI { .. }
    };
}

impl Op {
    /// The target of a flat-only jump (`Jmp`, the conditional jumps and
    /// the loops' instructions), to patch.
    pub fn target_mut(&mut self) -> Option<&mut u32> {
        match self {
            Op::Jmp { target }
            | Op::JTruthy { target, .. }
            | Op::JEq { target, .. }
            | Op::JLt { target, .. }
            | Op::JLe { target, .. }
            | Op::JEqK { target, .. }
            | Op::JEqI { target, .. }
            | Op::JLtI { target, .. }
            | Op::JLeI { target, .. }
            | Op::JGtI { target, .. }
            | Op::JGeI { target, .. }
            | Op::ForPrep { target, .. }
            | Op::ForLoop { target, .. }
            | Op::TForPrep { target, .. }
            | Op::TForLoop { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The target of a flat-only jump (see [`Op::target_mut`]).
    pub fn jump_target(&self) -> Option<u32> {
        let mut op = *self;
        op.target_mut().copied()
    }

    /// The conditional jump to `target` taken when `test`'s outcome is
    /// `when`.
    pub fn cond_jump(test: Test, when: bool, target: u32) -> Op {
        match test {
            Test::Truthy(a) => Op::JTruthy { a, when, target },
            Test::Eq(a, b) => Op::JEq { a, b, when, target },
            Test::Lt(a, b) => Op::JLt { a, b, when, target },
            Test::Le(a, b) => Op::JLe { a, b, when, target },
            Test::EqK(a, k) => Op::JEqK { a, k, when, target },
            Test::EqI(a, imm) => Op::JEqI {
                a,
                imm,
                when,
                target,
            },
            Test::LtI(a, imm) => Op::JLtI {
                a,
                imm,
                when,
                target,
            },
            Test::LeI(a, imm) => Op::JLeI {
                a,
                imm,
                when,
                target,
            },
            Test::GtI(a, imm) => Op::JGtI {
                a,
                imm,
                when,
                target,
            },
            Test::GeI(a, imm) => Op::JGeI {
                a,
                imm,
                when,
                target,
            },
        }
    }

    /// A conditional jump as its test, the outcome that takes it and its
    /// target; `None` for every other instruction.
    pub fn as_cond_jump(&self) -> Option<(Test, bool, u32)> {
        Some(match *self {
            Op::JTruthy { a, when, target } => (Test::Truthy(a), when, target),
            Op::JEq { a, b, when, target } => (Test::Eq(a, b), when, target),
            Op::JLt { a, b, when, target } => (Test::Lt(a, b), when, target),
            Op::JLe { a, b, when, target } => (Test::Le(a, b), when, target),
            Op::JEqK { a, k, when, target } => (Test::EqK(a, k), when, target),
            Op::JEqI {
                a,
                imm,
                when,
                target,
            } => (Test::EqI(a, imm), when, target),
            Op::JLtI {
                a,
                imm,
                when,
                target,
            } => (Test::LtI(a, imm), when, target),
            Op::JLeI {
                a,
                imm,
                when,
                target,
            } => (Test::LeI(a, imm), when, target),
            Op::JGtI {
                a,
                imm,
                when,
                target,
            } => (Test::GtI(a, imm), when, target),
            Op::JGeI {
                a,
                imm,
                when,
                target,
            } => (Test::GeI(a, imm), when, target),
            _ => return None,
        })
    }

    /// The register this instruction writes its single result to, if it
    /// has one (used by the compiler to retarget a result).
    pub fn dst_mut(&mut self) -> Option<&mut Reg> {
        use Op::*;
        match self {
            Move { dst, .. }
            | LoadI { dst, .. }
            | LoadF { dst, .. }
            | LoadK { dst, .. }
            | LoadFalse { dst }
            | LoadTrue { dst }
            | GetUpval { dst, .. }
            | GetTabUp { dst, .. }
            | GetTable { dst, .. }
            | GetI { dst, .. }
            | GetField { dst, .. }
            | NewTable { dst, .. }
            | Add { dst, .. }
            | Sub { dst, .. }
            | Mul { dst, .. }
            | Mod { dst, .. }
            | Pow { dst, .. }
            | Div { dst, .. }
            | IDiv { dst, .. }
            | BAnd { dst, .. }
            | BOr { dst, .. }
            | BXor { dst, .. }
            | Shl { dst, .. }
            | Shr { dst, .. }
            | AddK { dst, .. }
            | SubK { dst, .. }
            | MulK { dst, .. }
            | ModK { dst, .. }
            | PowK { dst, .. }
            | DivK { dst, .. }
            | IDivK { dst, .. }
            | BAndK { dst, .. }
            | BOrK { dst, .. }
            | BXorK { dst, .. }
            | AddI { dst, .. }
            | SubI { dst, .. }
            | ShlI { dst, .. }
            | ShrI { dst, .. }
            | Unm { dst, .. }
            | BNot { dst, .. }
            | Not { dst, .. }
            | Len { dst, .. }
            | Closure { dst, .. }
            | Vararg { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// The highest register this instruction names statically (ranges with
    /// a fixed length included; `MULTRET` ranges count only their first
    /// register, since their extent is decided at run time).
    pub fn max_register(&self) -> Option<u32> {
        use Op::*;
        let r = |x: Reg| x as u32;
        let rk = |v: &RK| match v {
            RK::R(x) => Some(*x as u32),
            RK::K(_) => None,
        };
        let range = |first: Reg, n: u8| {
            if n == MULTRET || n == 0 {
                first as u32
            } else {
                first as u32 + n as u32 - 1
            }
        };
        Some(match self {
            Move { dst, src } => r(*dst).max(r(*src)),
            LoadI { dst, .. } | LoadF { dst, .. } | LoadK { dst, .. } => r(*dst),
            LoadFalse { dst } | LoadTrue { dst } => r(*dst),
            LoadNil { dst, n } => range(*dst, *n),
            GetUpval { dst, .. } | GetTabUp { dst, .. } => r(*dst),
            SetUpval { src, .. } => r(*src),
            GetTable { dst, obj, key } => r(*dst).max(r(*obj)).max(r(*key)),
            GetI { dst, obj, .. } | GetField { dst, obj, .. } => r(*dst).max(r(*obj)),
            SetTabUp { val, .. } => return rk(val),
            SetTable { obj, key, val } => r(*obj).max(r(*key)).max(rk(val).unwrap_or(0)),
            SetI { obj, val, .. } | SetField { obj, val, .. } => r(*obj).max(rk(val).unwrap_or(0)),
            NewTable { dst, .. } => r(*dst),
            Method { dst, obj, .. } => (r(*dst) + 1).max(r(*obj)),
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
            | Shr { dst, a, b } => r(*dst).max(r(*a)).max(r(*b)),
            AddK { dst, a, .. }
            | SubK { dst, a, .. }
            | MulK { dst, a, .. }
            | ModK { dst, a, .. }
            | PowK { dst, a, .. }
            | DivK { dst, a, .. }
            | IDivK { dst, a, .. }
            | BAndK { dst, a, .. }
            | BOrK { dst, a, .. }
            | BXorK { dst, a, .. }
            | AddI { dst, a, .. }
            | SubI { dst, a, .. }
            | ShlI { dst, a, .. }
            | ShrI { dst, a, .. } => r(*dst).max(r(*a)),
            Unm { dst, src } | BNot { dst, src } | Not { dst, src } | Len { dst, src } => {
                r(*dst).max(r(*src))
            }
            Concat { first, n } => range(*first, *n),
            Close { from } => r(*from),
            Tbc { reg } => r(*reg),
            Call {
                func,
                nargs,
                nresults,
            } => {
                let a = if *nargs == MULTRET {
                    r(*func)
                } else {
                    r(*func) + *nargs as u32
                };
                let b = range(*func, *nresults);
                a.max(b)
            }
            TailCall { func, nargs } => {
                if *nargs == MULTRET {
                    r(*func)
                } else {
                    r(*func) + *nargs as u32
                }
            }
            Return { first, n } => range(*first, *n),
            Return0 => return None,
            Return1 { src } => r(*src),
            Vararg { dst, n } => range(*dst, *n),
            Closure { dst, .. } => r(*dst),
            SetList { table, n, .. } => {
                if *n == MULTRET {
                    r(*table)
                } else {
                    r(*table) + *n as u32
                }
            }
            Jmp { .. } => return None,
            crate::cond_jumps!() => return self.as_cond_jump().map(|(t, ..)| t.max_register()),
            ForPrep { base, .. } | ForLoop { base, .. } => r(*base) + 3,
            TForPrep { base, .. } => r(*base) + 3,
            TForCall { base, nvars } => (r(*base) + 6).max(r(*base) + 3 + *nvars as u32),
            TForLoop { base, .. } => r(*base) + 4,
        })
    }
}

impl Test {
    /// The highest register the test reads.
    pub fn max_register(&self) -> u32 {
        match *self {
            Test::Truthy(a)
            | Test::EqK(a, _)
            | Test::EqI(a, _)
            | Test::LtI(a, _)
            | Test::LeI(a, _)
            | Test::GtI(a, _)
            | Test::GeI(a, _) => a as u32,
            Test::Eq(a, b) | Test::Lt(a, b) | Test::Le(a, b) => a.max(b) as u32,
        }
    }
}

// The flat executor's loop fetches one `Op` per instruction: keep the
// instruction (and the operands it embeds) this small.
const _: () = assert!(std::mem::size_of::<Op>() == 8);
const _: () = assert!(std::mem::size_of::<Test>() == 3);
const _: () = assert!(std::mem::size_of::<RK>() == 4);
