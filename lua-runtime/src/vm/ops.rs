//! The semantics of every operator, shared by both executors: arithmetic
//! and bitwise operators with coercions and metamethods, comparisons,
//! concatenation, length, indexing with `__index`/`__newindex` chains, and
//! the error messages (with variable names) when an operation fails.
//!
//! Executors inline the fast paths (integer/float arithmetic, raw table
//! hits) and call these functions for everything else. The `*_step`
//! functions (`arith_step`, `index_step`, `set_index_step`, `len_step`,
//! `compare_step`) do not call a metamethod themselves: they return a
//! [`Step`], either the value or the metamethod to call with its
//! arguments, and the executor runs a Lua metamethod as a frame of its loop
//! (so a coroutine can yield inside it) and a native one directly (see
//! `vm_step!`). Such frames count against the C-call limit, as PUC-Rio's
//! `luaT_callTMres` does, so "C stack overflow" appears where lua5.4
//! reports it. The other entry points (`State::arith`, `index`, `concat`,
//! comparisons for natives, ...) call metamethods through `State::call`,
//! which recurses into the executor.

use smallvec::SmallVec;

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::number::{self, Num};
use crate::object::Table;
use crate::object::string::LuaStr;
use crate::state::State;
use crate::value::Value;
use crate::vm::frame::FrameFn;
use crate::vm::meta::Tm;

/// How a concatenation that may run `__concat` as a frame stands.
pub(crate) enum Concatenated {
    Done(Value),
    /// A Lua `__concat`'s frame was pushed above the running frame (marked
    /// `FINISH`): the executor runs it, then [`State::finish_concat`].
    Suspended,
}

/// Where an operand came from, for "(local 'x')"-style error suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarInfo {
    None,
    /// A register of the running Lua function.
    Reg(u8),
    /// An upvalue of the running Lua function.
    Upval(u8),
    /// The iterator of a generic `for`.
    ForIterator,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
}

/// Arithmetic and bitwise operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

impl ArithOp {
    fn tm(self) -> Tm {
        match self {
            ArithOp::Add => Tm::Add,
            ArithOp::Sub => Tm::Sub,
            ArithOp::Mul => Tm::Mul,
            ArithOp::Mod => Tm::Mod,
            ArithOp::Pow => Tm::Pow,
            ArithOp::Div => Tm::Div,
            ArithOp::IDiv => Tm::IDiv,
            ArithOp::BAnd => Tm::BAnd,
            ArithOp::BOr => Tm::BOr,
            ArithOp::BXor => Tm::BXor,
            ArithOp::Shl => Tm::Shl,
            ArithOp::Shr => Tm::Shr,
            ArithOp::Unm => Tm::Unm,
            ArithOp::BNot => Tm::BNot,
        }
    }

    fn is_bitwise(self) -> bool {
        matches!(
            self,
            ArithOp::BAnd
                | ArithOp::BOr
                | ArithOp::BXor
                | ArithOp::Shl
                | ArithOp::Shr
                | ArithOp::BNot
        )
    }
}

/// What an operation needs next: its value, or a call of a metamethod
/// with `n` arguments whose first result is the value (the function and
/// the arguments are in [`State::pending`]).
#[derive(Clone, Copy, Debug)]
pub enum Step {
    Done(Value),
    Call(usize),
}

/// The metamethod call of a [`Step::Call`]: the function, then up to three
/// arguments. It lives in the state rather than in the step: a step is
/// returned through memory, and moving one that carried the four values
/// was a 16-byte copy of values just stored word by word, a
/// store-forwarding stall on every metamethod call (docs/PERFORMANCE.md).
/// Here the values are stored and loaded word by word. Not a collector
/// root: whoever receives a `Step::Call` takes the call before anything
/// can allocate.
#[derive(Clone, Copy, Debug, Default)]
pub struct PendingCall {
    slots: [Value; 4],
    /// The results the operation uses: 1, or 0 for a store (`__newindex`),
    /// whose handler's frame then takes the quick return when it returns
    /// nothing.
    wants: i32,
}

impl PendingCall {
    #[inline(always)]
    fn set(&mut self, h: Value, args: [Value; 3], wants: i32) {
        self.wants = wants;
        let [a, b, c] = args;
        Value::store(&mut self.slots[0], h);
        Value::store(&mut self.slots[1], a);
        Value::store(&mut self.slots[2], b);
        Value::store(&mut self.slots[3], c);
    }

    /// The function and the arguments, `1 + n` values.
    #[inline(always)]
    pub fn call(&self, n: usize) -> &[Value] {
        &self.slots[..1 + n]
    }

    /// The function and three argument slots (the last unused with two
    /// arguments).
    #[inline(always)]
    pub fn slots(&self) -> &[Value; 4] {
        &self.slots
    }

    /// The results the operation uses (0 or 1).
    #[inline(always)]
    pub fn wants(&self) -> i32 {
        self.wants
    }

    /// The function.
    #[inline(always)]
    pub fn function(&self) -> Value {
        Value::load(&self.slots[0])
    }
}

impl State {
    /// Metamethod `h` to be called with `args[..n]`, as a step whose
    /// operation uses `wants` results (0 or 1).
    #[inline(always)]
    fn call_step(&mut self, h: Value, args: [Value; 3], n: usize, wants: i32) -> Step {
        self.pending.set(h, args, wants);
        Step::Call(n)
    }

    /// Call the metamethod of a [`Step::Call`]`(n)` here, for its first
    /// result.
    pub fn call_pending(&mut self, n: usize) -> LuaResult<Value> {
        let (h, args) = self.take_pending(n);
        self.call1(h, &args[..n])
    }

    fn take_pending(&self, n: usize) -> (Value, [Value; 3]) {
        let c = self.pending.call(n);
        let mut args = [Value::Nil; 3];
        for (a, v) in args.iter_mut().zip(&c[1..]) {
            *a = Value::load(v);
        }
        (Value::load(&c[0]), args)
    }

    /// Metamethod `h` of event `tm` to be called with `args[..n]`, as a
    /// step.
    #[inline]
    fn tm_step(&mut self, h: Value, tm: Tm, args: [Value; 3], n: usize) -> LuaResult<Step> {
        if !h.is_function() {
            self.check_tm_callable(h, tm)?;
        }
        Ok(self.call_step(h, args, n, 1))
    }

    /// A metamethod that cannot be called fails as lua5.4 words it, naming
    /// the event: "attempt to call a number value (metamethod 'add')".
    pub(crate) fn check_tm_callable(&mut self, h: Value, tm: Tm) -> LuaResult<()> {
        if h.is_function() || !self.get_tm(h, Tm::Call).is_nil() {
            return Ok(());
        }
        let t = self.obj_typename(h);
        let event = &tm.name()[2..];
        Err(self.rt_error(format!(
            "attempt to call a {t} value (metamethod '{event}')"
        )))
    }
}

/// Outcome of a raw arithmetic attempt on two values.
pub enum RawArith {
    Ok(Value),
    /// Operands are not both numbers (or integers for bitwise ops).
    NotNumbers,
    /// Bitwise op on a float without an integer value.
    NoInteger,
    DivByZero,
    ModByZero,
}

/// Integer value of a number for bitwise operations (floats must be
/// exact integers). Strings are not coerced here (5.4).
#[inline]
fn to_int_bitwise(v: Value) -> Option<Result<i64, ()>> {
    match v {
        Value::Int(i) => Some(Ok(i)),
        Value::Float(f) => Some(number::float_to_int_exact(f).ok_or(())),
        _ => None,
    }
}

/// Arithmetic on two numbers without metamethods or string coercion.
pub fn raw_arith(op: ArithOp, a: Value, b: Value) -> RawArith {
    use ArithOp::*;
    if op.is_bitwise() {
        let (x, y) = match (to_int_bitwise(a), to_int_bitwise(b)) {
            (Some(Ok(x)), Some(Ok(y))) => (x, y),
            (Some(_), Some(_)) => return RawArith::NoInteger,
            _ => return RawArith::NotNumbers,
        };
        let r = match op {
            BAnd => x & y,
            BOr => x | y,
            BXor => x ^ y,
            Shl => number::shift_left(x, y),
            Shr => number::shift_left(x, y.wrapping_neg()),
            _ => !x,
        };
        return RawArith::Ok(Value::Int(r));
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => match op {
            Add => RawArith::Ok(Value::Int(x.wrapping_add(y))),
            Sub => RawArith::Ok(Value::Int(x.wrapping_sub(y))),
            Mul => RawArith::Ok(Value::Int(x.wrapping_mul(y))),
            Mod => match number::int_mod(x, y) {
                Some(r) => RawArith::Ok(Value::Int(r)),
                None => RawArith::ModByZero,
            },
            IDiv => match number::int_floor_div(x, y) {
                Some(r) => RawArith::Ok(Value::Int(r)),
                None => RawArith::DivByZero,
            },
            Unm => RawArith::Ok(Value::Int(x.wrapping_neg())),
            Pow => RawArith::Ok(Value::Float(lua_syntax::number::float_pow(
                x as f64, y as f64,
            ))),
            _ => RawArith::Ok(Value::Float(x as f64 / y as f64)),
        },
        _ => {
            let x = match a {
                Value::Int(i) => i as f64,
                Value::Float(f) => f,
                _ => return RawArith::NotNumbers,
            };
            let y = match b {
                Value::Int(i) => i as f64,
                Value::Float(f) => f,
                _ => return RawArith::NotNumbers,
            };
            RawArith::Ok(Value::Float(float_arith(op, x, y)))
        }
    }
}

#[inline]
pub fn float_arith(op: ArithOp, x: f64, y: f64) -> f64 {
    use ArithOp::*;
    match op {
        Add => x + y,
        Sub => x - y,
        Mul => x * y,
        Div => x / y,
        Mod => number::float_mod(x, y),
        IDiv => number::float_idiv(x, y),
        Pow => lua_syntax::number::float_pow(x, y),
        Unm => -x,
        _ => f64::NAN,
    }
}

/// A value converted to a number the way the string library's arithmetic
/// metamethods do (`tonumber` on strings).
pub fn to_number(v: Value) -> Option<Value> {
    match v {
        Value::Int(_) | Value::Float(_) => Some(v),
        Value::Str(s) => match number::str_to_number(s.as_bytes()) {
            Some(Num::Int(i)) => Some(Value::Int(i)),
            Some(Num::Float(f)) => Some(Value::Float(f)),
            None => None,
        },
        _ => None,
    }
}

/// `tointeger` for library use: integers, floats with exact integer value,
/// numeric strings.
pub fn to_integer(v: Value) -> Option<i64> {
    match to_number(v)? {
        Value::Int(i) => Some(i),
        Value::Float(f) => number::float_to_int_exact(f),
        _ => None,
    }
}

impl State {
    /// Name suffix for an operand: " (local 'x')", " (global 'x')", ...
    pub fn varinfo(&self, info: VarInfo) -> String {
        let Some(f) = self.th.frames.last() else {
            return String::new();
        };
        let FrameFn::Lua(c) = f.func_fn else {
            return String::new();
        };
        let proto = &c.p.proto;
        match info {
            VarInfo::None => String::new(),
            VarInfo::ForIterator => " (for iterator 'for iterator')".to_string(),
            VarInfo::Upval(u) => match proto.upvalues.get(u as usize) {
                // A stripped function's upvalues have no name: "?" (PUC's
                // `upvalname`).
                Some(d) if d.name.is_empty() => " (upvalue '?')".to_string(),
                Some(d) => format!(" (upvalue '{}')", d.name),
                None => String::new(),
            },
            VarInfo::Reg(r) => match proto.debug.operand_name(f.current_pc(), r) {
                Some((kind, name)) => {
                    format!(" ({} '{}')", kind.as_str(), String::from_utf8_lossy(name))
                }
                None => match proto.debug.local_name(r, f.current_pc()) {
                    Some(n) => format!(" (local '{}')", n),
                    None => String::new(),
                },
            },
        }
    }

    /// `luaG_typeerror`: `"attempt to <op> a <type> value<varinfo>"`.
    pub fn type_error(&mut self, v: Value, op: &str, info: VarInfo) -> crate::error::LuaError {
        let t = self.obj_typename(v);
        let vi = self.varinfo(info);
        self.rt_error(format!("attempt to {} a {} value{}", op, t, vi))
    }

    /// The type name used in messages: `__name` of the metatable when it is
    /// a string (`luaT_objtypename`), else the basic type name.
    pub fn obj_typename(&self, v: Value) -> String {
        if matches!(v, Value::Table(_) | Value::UserData(_))
            && let Some(mt) = self.metatable(v)
        {
            let n = self.tm_of(mt, Tm::Name);
            if let Value::Str(s) = n {
                return s.to_str_lossy().into_owned();
            }
        }
        v.type_name().to_string()
    }

    /// Full arithmetic/bitwise operation (`b` is ignored for unary ops, pass
    /// the operand twice as PUC does).
    pub fn arith(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        ia: VarInfo,
        ib: VarInfo,
    ) -> LuaResult<Value> {
        match self.arith_step(op, a, b, ia, ib)? {
            Step::Done(v) => Ok(v),
            Step::Call(n) => self.call_pending(n),
        }
    }

    /// [`State::arith`], except that a metamethod written in Lua is not
    /// called but returned as [`Step::Call`] for the executor to run as a
    /// frame (so it can yield).
    pub fn arith_step(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        ia: VarInfo,
        ib: VarInfo,
    ) -> LuaResult<Step> {
        let numbers = matches!(a, Value::Int(_) | Value::Float(_))
            && matches!(b, Value::Int(_) | Value::Float(_));
        // Anything else (a table with `__add`) goes straight to the
        // metamethods: `raw_arith` would only say "not numbers".
        if numbers {
            match raw_arith(op, a, b) {
                RawArith::Ok(v) => return Ok(Step::Done(v)),
                RawArith::DivByZero => return Err(self.rt_error("attempt to divide by zero")),
                RawArith::ModByZero => return Err(self.rt_error("attempt to perform 'n%0'")),
                RawArith::NoInteger | RawArith::NotNumbers => {}
            }
        }
        let tm = op.tm();
        // The first operand's metamethod, else the second's. Strings carry
        // the string library's arithmetic metamethods (not bitwise ones).
        // Strings take part through the string metatable's arithmetic
        // metamethods (the string library installs them), as in 5.4.
        for (v, _) in [(a, ia), (b, ib)] {
            let h = self.get_tm(v, tm);
            if !h.is_nil() {
                return self.tm_step(h, tm, [a, b, Value::Nil], 2);
            }
        }
        if op.is_bitwise() {
            if numbers {
                let bad = if matches!(to_int_bitwise(a), Some(Ok(_))) {
                    ib
                } else {
                    ia
                };
                let vi = self.varinfo(bad);
                return Err(self.rt_error(format!("number{} has no integer representation", vi)));
            }
            let (v, i) = if matches!(a, Value::Int(_) | Value::Float(_)) {
                (b, ib)
            } else {
                (a, ia)
            };
            return Err(self.type_error(v, "perform bitwise operation on", i));
        }
        let (v, i) = if matches!(a, Value::Int(_) | Value::Float(_)) {
            (b, ib)
        } else {
            (a, ia)
        };
        Err(self.type_error(v, "perform arithmetic on", i))
    }

    // ---------------------------------------------------------------
    // Comparison

    /// `a == b` with `__eq`.
    pub fn equals(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        if a.raw_eq(&b) {
            return Ok(true);
        }
        let h = match (a, b) {
            (Value::Table(_), Value::Table(_)) | (Value::UserData(_), Value::UserData(_)) => {
                let h = self.get_tm(a, Tm::Eq);
                if h.is_nil() {
                    self.get_tm(b, Tm::Eq)
                } else {
                    h
                }
            }
            _ => return Ok(false),
        };
        if h.is_nil() {
            return Ok(false);
        }
        Ok(self.call1(h, &[a, b])?.truthy())
    }

    /// `a == b`, `a < b` or `a <= b` as a step: the answer, or the
    /// metamethod to call (its result's truthiness is the answer).
    pub fn compare_step(&mut self, cmp: Cmp, a: Value, b: Value) -> LuaResult<Step> {
        let done = |x: bool| Ok(Step::Done(Value::Bool(x)));
        match cmp {
            Cmp::Eq => {
                if a.raw_eq(&b) {
                    return done(true);
                }
                match (a, b) {
                    (Value::Table(_), Value::Table(_))
                    | (Value::UserData(_), Value::UserData(_)) => {
                        let mut h = self.get_tm(a, Tm::Eq);
                        if h.is_nil() {
                            h = self.get_tm(b, Tm::Eq);
                        }
                        if h.is_nil() {
                            done(false)
                        } else {
                            self.tm_step(h, Tm::Eq, [a, b, Value::Nil], 2)
                        }
                    }
                    _ => done(false),
                }
            }
            Cmp::Lt | Cmp::Le => {
                let plain = matches!(
                    (a, b),
                    (
                        Value::Int(_) | Value::Float(_),
                        Value::Int(_) | Value::Float(_)
                    ) | (Value::Str(_), Value::Str(_))
                );
                if plain {
                    return done(if cmp == Cmp::Lt {
                        self.less_than(a, b)?
                    } else {
                        self.less_equal(a, b)?
                    });
                }
                let tm = if cmp == Cmp::Lt { Tm::Lt } else { Tm::Le };
                let mut h = self.get_tm(a, tm);
                if h.is_nil() {
                    h = self.get_tm(b, tm);
                }
                if h.is_nil() {
                    if cmp == Cmp::Le
                        && let Some(v) = self.le_by_lt(a, b)?
                    {
                        return done(v);
                    }
                    return Err(self.compare_error(a, b));
                }
                self.tm_step(h, tm, [a, b, Value::Nil], 2)
            }
        }
    }

    /// `#v` as a step (a `__len` metamethod to call, or the length).
    pub fn len_step(&mut self, v: Value, info: VarInfo) -> LuaResult<Step> {
        match v {
            Value::Str(s) => Ok(Step::Done(Value::Int(s.len() as i64))),
            _ => {
                let h = self.get_tm(v, Tm::Len);
                if !h.is_nil() {
                    return self.tm_step(h, Tm::Len, [v, v, Value::Nil], 2);
                }
                match v {
                    Value::Table(t) => Ok(Step::Done(Value::Int(t.len()))),
                    _ => Err(self.type_error(v, "get length of", info)),
                }
            }
        }
    }

    /// `a < b`.
    pub fn less_than(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        match plain_less_than(a, b) {
            Some(r) => Ok(r),
            None => self.order_tm(a, b, Tm::Lt),
        }
    }

    /// `a <= b`.
    pub fn less_equal(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        match plain_less_equal(a, b) {
            Some(r) => Ok(r),
            None => self.order_tm(a, b, Tm::Le),
        }
    }

    fn order_tm(&mut self, a: Value, b: Value, tm: Tm) -> LuaResult<bool> {
        let mut h = self.get_tm(a, tm);
        if h.is_nil() {
            h = self.get_tm(b, tm);
        }
        if h.is_nil() {
            if tm == Tm::Le
                && let Some(v) = self.le_by_lt(a, b)?
            {
                return Ok(v);
            }
            return Err(self.compare_error(a, b));
        }
        self.check_tm_callable(h, tm)?;
        Ok(self.call1(h, &[a, b])?.truthy())
    }

    /// `a <= b` as `not (b < a)` through an `__lt` metamethod when neither
    /// operand has `__le` (5.4's `LUA_COMPAT_LT_LE`, the `compat53`
    /// feature); `None` when there is no `__lt` either. The metamethod is
    /// called here rather than as a frame (its result must be negated), so
    /// a coroutine cannot yield inside it.
    #[cfg(feature = "compat53")]
    fn le_by_lt(&mut self, a: Value, b: Value) -> LuaResult<Option<bool>> {
        let mut h = self.get_tm(b, Tm::Lt);
        if h.is_nil() {
            h = self.get_tm(a, Tm::Lt);
        }
        if h.is_nil() {
            return Ok(None);
        }
        Ok(Some(!self.call1(h, &[b, a])?.truthy()))
    }

    #[cfg(not(feature = "compat53"))]
    fn le_by_lt(&mut self, _a: Value, _b: Value) -> LuaResult<Option<bool>> {
        Ok(None)
    }

    pub fn compare_error(&mut self, a: Value, b: Value) -> crate::error::LuaError {
        let t1 = self.obj_typename(a);
        let t2 = self.obj_typename(b);
        if t1 == t2 {
            self.rt_error(format!("attempt to compare two {} values", t1))
        } else {
            self.rt_error(format!("attempt to compare {} with {}", t1, t2))
        }
    }

    // ---------------------------------------------------------------
    // Length and concatenation

    /// `#v`.
    pub fn len(&mut self, v: Value, info: VarInfo) -> LuaResult<Value> {
        match v {
            Value::Str(s) => Ok(Value::Int(s.len() as i64)),
            Value::Table(t) => {
                if let Some(mt) = t.metatable() {
                    let h = self.tm_of(mt, Tm::Len);
                    if !h.is_nil() {
                        return self.call1(h, &[v, v]);
                    }
                }
                Ok(Value::Int(t.len()))
            }
            _ => {
                let h = self.get_tm(v, Tm::Len);
                if h.is_nil() {
                    return Err(self.type_error(v, "get length of", info));
                }
                self.call1(h, &[v, v])
            }
        }
    }

    /// Concatenate the `n` values at stack indices `start..start+n`, the
    /// first of them being register `first_reg` of the running function;
    /// the result is returned (the stack slots are used as scratch). A
    /// `__concat` metamethod is called here (recursively).
    pub fn concat(&mut self, start: usize, n: usize, first_reg: u8) -> LuaResult<Value> {
        match self.concat_range(start, n, start, n, first_reg, None)? {
            Concatenated::Done(v) => Ok(v),
            // Only with a frame to suspend.
            Concatenated::Suspended => Err(self.rt_error("internal error: concat suspended")),
        }
    }

    /// Concatenate the `cnt` values at `lo..lo+cnt`, which lie at the right
    /// end of the instruction's operand region `start..start+n`. With
    /// `frame = Some((fi, scratch))` (the running Lua frame and the slot
    /// above its registers) a `__concat` written in Lua runs as a frame of
    /// the executor's loop, so a coroutine can yield inside it: the values
    /// still pending are moved to the right end of the region, their count
    /// stored in its first slot, and [`State::finish_concat`] goes on when
    /// the metamethod returns (PUC's `luaV_finishOp` for `OP_CONCAT`).
    pub(crate) fn concat_range(
        &mut self,
        region: usize,
        n: usize,
        start: usize,
        cnt: usize,
        first_reg: u8,
        frame: Option<(usize, usize)>,
    ) -> LuaResult<Concatenated> {
        let n_region = n;
        let n = cnt;
        if n == 1 {
            // A `__concat` result that ends the concatenation is its value
            // as it is: a number stays a number (as in lua5.4).
            return Ok(Concatenated::Done(self.th.stack[start]));
        }
        // Fast path: everything is a string or a number.
        let all_plain = self.th.stack[start..start + n]
            .iter()
            .all(|v| matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_)));
        if all_plain {
            // The strings' lengths up front (numbers add at most 44 bytes
            // each, reserved as they come): one reservation that fails as
            // a Lua error rather than an abort when memory runs out.
            let need: usize = self.th.stack[start..start + n]
                .iter()
                .map(|v| match v {
                    Value::Str(s) => s.len(),
                    _ => 0,
                })
                .fold(0usize, usize::saturating_add);
            self.reserve_concat(need)?;
            // A short result is built on the stack and interned from there
            // (no buffer allocated and freed per `..`).
            let mut buf: SmallVec<[u8; CONCAT_INLINE]> = SmallVec::new();
            if buf.try_reserve(need).is_err() {
                return Err(self.plain_error("not enough memory"));
            }
            for i in 0..n {
                append_plain(&mut buf, self.th.stack[start + i]);
            }
            let v = if buf.spilled() {
                self.str_value_owned(buf.into_vec())
            } else {
                self.str_value(&buf[..])
            };
            return Ok(Concatenated::Done(v));
        }
        // General case, right to left as luaV_concat.
        let mut top = n; // values start..start+top are pending
        while top > 1 {
            let a = self.th.stack[start + top - 2];
            let b = self.th.stack[start + top - 1];
            let plain = |v: Value| matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_));
            if plain(a) && plain(b) {
                // Join as many plain values as possible.
                let mut k = 2;
                while k < top && plain(self.th.stack[start + top - 1 - k]) {
                    k += 1;
                }
                let mut buf = Vec::new();
                for i in top - k..top {
                    append_plain(&mut buf, self.th.stack[start + i]);
                }
                self.reserve_concat(buf.len())?;
                let s = self.str_value(&buf);
                self.th.stack[start + top - k] = s;
                top -= k - 1;
            } else {
                let mut h = self.get_tm(a, Tm::Concat);
                if h.is_nil() {
                    h = self.get_tm(b, Tm::Concat);
                }
                if h.is_nil() {
                    let (bad, idx) = if plain(a) { (b, top - 1) } else { (a, top - 2) };
                    let reg = first_reg as usize + idx;
                    let info = u8::try_from(reg).map_or(VarInfo::None, VarInfo::Reg);
                    return Err(self.type_error(bad, "concatenate", info));
                }
                self.check_tm_callable(h, Tm::Concat)?;
                if let (Some((fi, scratch)), Value::LuaFn(_)) = (frame, h) {
                    // Pending after the call: the `top - 2` values left of
                    // the pair, then its result (at the region's end).
                    let left = top - 2;
                    let to = region + n_region - 1 - left;
                    self.th.stack.copy_within(start..start + left, to);
                    self.th.stack[region] = Value::Int((left + 1) as i64);
                    crate::vm::interp::push_meta_frame(self, fi, scratch, h, &[a, b])?;
                    return Ok(Concatenated::Suspended);
                }
                let r = self.call1(h, &[a, b])?;
                self.th.stack[start + top - 2] = r;
                top -= 1;
            }
        }
        Ok(Concatenated::Done(self.th.stack[start]))
    }

    /// A `__concat` frame started by [`State::concat_range`] returned `v`:
    /// go on with the values pending in the region `start..start+n`
    /// (register `first_reg` first). `Done`: the whole concatenation.
    pub(crate) fn finish_concat(
        &mut self,
        start: usize,
        n: usize,
        first_reg: u8,
        v: Value,
        frame: (usize, usize),
    ) -> LuaResult<Concatenated> {
        let Value::Int(k) = self.th.stack[start] else {
            return Err(self.rt_error("internal error: concat state lost"));
        };
        // Cannot truncate: `concat_range` stored a count of values (a `usize`).
        #[allow(clippy::cast_possible_truncation)]
        let k = k as usize;
        self.th.stack[start + n - 1] = v;
        let lo = start + n - k;
        let reg = first_reg as usize + (n - k);
        let reg = u8::try_from(reg).unwrap_or(u8::MAX);
        self.concat_range(start, n, lo, k, reg, Some(frame))
    }

    // ---------------------------------------------------------------
    // Indexing

    /// `obj[key]` with `__index`.
    pub fn index(&mut self, obj: Value, key: Value, info: VarInfo) -> LuaResult<Value> {
        match self.index_step(obj, key, info)? {
            Step::Done(v) => Ok(v),
            Step::Call(n) => self.call_pending(n),
        }
    }

    /// [`State::index`], returning a Lua `__index` function as a
    /// [`Step::Call`] instead of calling it.
    pub fn index_step(&mut self, obj: Value, key: Value, info: VarInfo) -> LuaResult<Step> {
        let mut t = obj;
        // The first lookup is PUC's `luaV_fastget`, then `luaV_finishget`
        // follows up to MAXTAGLOOP `__index` tables.
        for loop_i in 0..=MAX_TAG_LOOP {
            let h = match t {
                Value::Table(tab) => {
                    let v = tab.get(key);
                    if !v.is_nil() {
                        return Ok(Step::Done(v));
                    }
                    match tab.metatable() {
                        None => return Ok(Step::Done(Value::Nil)),
                        Some(mt) => {
                            let h = self.tm_of(mt, Tm::Index);
                            if h.is_nil() {
                                return Ok(Step::Done(Value::Nil));
                            }
                            h
                        }
                    }
                }
                _ => {
                    let h = self.get_tm(t, Tm::Index);
                    if h.is_nil() {
                        let info = if loop_i == 0 { info } else { VarInfo::None };
                        return Err(self.index_error(t, key, info));
                    }
                    h
                }
            };
            if h.is_function() {
                return Ok(self.call_step(h, [t, key, Value::Nil], 2, 1));
            }
            t = h;
        }
        Err(self.rt_error("'__index' chain too long; possible loop"))
    }

    fn index_error(&mut self, t: Value, key: Value, info: VarInfo) -> crate::error::LuaError {
        // lua5.4.6 names the key for upvalue/field-less cases as
        // "(field 'k')" only through varinfo of the object; keep that.
        let _ = key;
        self.type_error(t, "index", info)
    }

    /// `obj[key] = val` with `__newindex`.
    pub fn set_index(
        &mut self,
        obj: Value,
        key: Value,
        val: Value,
        info: VarInfo,
    ) -> LuaResult<()> {
        match self.set_index_step(obj, key, val, info)? {
            Step::Done(_) => Ok(()),
            Step::Call(n) => {
                let (h, args) = self.take_pending(n);
                self.call(h, &args[..n])?;
                Ok(())
            }
        }
    }

    /// [`State::set_index`], returning a Lua `__newindex` function as a
    /// [`Step::Call`] instead of calling it.
    pub fn set_index_step(
        &mut self,
        obj: Value,
        key: Value,
        val: Value,
        info: VarInfo,
    ) -> LuaResult<Step> {
        let mut t = obj;
        for loop_i in 0..MAX_TAG_LOOP {
            let h = match t {
                Value::Table(tab) => {
                    let mt = tab.metatable();
                    let h = match mt {
                        None => Value::Nil,
                        Some(mt) => {
                            let cur = tab.get(key);
                            if cur.is_nil() {
                                self.tm_of(mt, Tm::NewIndex)
                            } else {
                                Value::Nil
                            }
                        }
                    };
                    if h.is_nil() {
                        self.raw_set(tab, key, val)?;
                        return Ok(Step::Done(Value::Nil));
                    }
                    h
                }
                _ => {
                    let h = self.get_tm(t, Tm::NewIndex);
                    if h.is_nil() {
                        let info = if loop_i == 0 { info } else { VarInfo::None };
                        return Err(self.type_error(t, "index", info));
                    }
                    h
                }
            };
            if h.is_function() {
                return Ok(self.call_step(h, [t, key, val], 3, 0));
            }
            t = h;
        }
        Err(self.rt_error("'__newindex' chain too long; possible loop"))
    }

    /// Error for calling a non-callable value.
    pub fn call_error(&mut self, v: Value, info: VarInfo) -> crate::error::LuaError {
        self.type_error(v, "call", info)
    }

    // ---------------------------------------------------------------
    // tostring

    /// `luaL_tolstring`: `__tostring`, `__name`, or the default text.
    pub fn tostring(&mut self, v: Value) -> LuaResult<Gc<LuaStr>> {
        let h = self.get_tm(v, Tm::ToString);
        if !h.is_nil() {
            let r = self.call1(h, &[v])?;
            return match r {
                Value::Str(s) => Ok(s),
                Value::Int(_) | Value::Float(_) => {
                    let mut b = Vec::new();
                    append_plain(&mut b, r);
                    Ok(self.new_str(&b))
                }
                _ => Err(self.error("'__tostring' must return a string")),
            };
        }
        let s = match v {
            Value::Str(s) => return Ok(s),
            Value::Nil => "nil".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => number::fmt_int(i),
            Value::Float(f) => number::fmt_float(f),
            _ => {
                let kind = match self.metatable(v).map(|mt| self.tm_of(mt, Tm::Name)) {
                    Some(Value::Str(s)) => s.to_str_lossy().into_owned(),
                    _ => v.type_name().to_string(),
                };
                format!("{}: 0x{:x}", kind, v.heap_addr())
            }
        };
        Ok(self.new_str(s.as_bytes()))
    }
}

/// Bytes of a concatenation built without a heap buffer (short strings
/// are at most 40).
const CONCAT_INLINE: usize = 64;

/// PUC's `LUAI_MAXTAGLOOP`... lua5.4 uses 2000.
pub const MAX_TAG_LOOP: usize = 2000;

/// `a < b` for two numbers or two strings; `None` for the rest (a
/// metamethod or an error decides).
#[inline]
pub fn plain_less_than(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x), Value::Float(y)) => number::lt_int_float(x, y),
        (Value::Float(x), Value::Int(y)) => number::lt_float_int(x, y),
        (Value::Str(x), Value::Str(y)) => str_cmp(x, y) == std::cmp::Ordering::Less,
        _ => return None,
    })
}

/// `a <= b` as [`plain_less_than`].
#[inline]
pub fn plain_less_equal(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x <= y,
        (Value::Float(x), Value::Float(y)) => x <= y,
        (Value::Int(x), Value::Float(y)) => number::le_int_float(x, y),
        (Value::Float(x), Value::Int(y)) => number::le_float_int(x, y),
        (Value::Str(x), Value::Str(y)) => str_cmp(x, y) != std::cmp::Ordering::Greater,
        _ => return None,
    })
}

/// Byte-wise string order (`strcoll` in the C locale).
pub fn str_cmp(a: Gc<LuaStr>, b: Gc<LuaStr>) -> std::cmp::Ordering {
    a.as_bytes().cmp(b.as_bytes())
}

/// Append a string or number as `..` does.
pub fn append_plain(buf: &mut impl Extend<u8>, v: Value) {
    match v {
        Value::Str(s) => buf.extend(s.as_bytes().iter().copied()),
        Value::Int(i) => buf.extend(number::int_text(i, &mut [0; 20]).iter().copied()),
        Value::Float(f) => buf.extend(number::fmt_float(f).bytes()),
        _ => {}
    }
}

/// Raw length of a table (for `rawlen`, `ipairs` bounds, ...).
pub fn raw_len(t: Gc<Table>) -> i64 {
    t.len()
}
