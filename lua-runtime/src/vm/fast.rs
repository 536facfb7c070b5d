//! The executors' fast paths for single operations (number arithmetic,
//! raw table access, conditional tests) and the out-of-line entries to the
//! full paths.
//!
//! A fast path answers only when no coercion, metamethod or error can be
//! involved; `None`/`false` sends the executor to the full path (the
//! `*_step` methods in [`crate::vm::ops`]), so both executors agree by
//! construction. The fast paths are `#[inline(always)]` so that each
//! executor's loop gets them inline; the full paths are `#[cold]` and never
//! inlined, which keeps those loops small.

use lua_bytecode::Test;

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::number;
use crate::object::Table;
use crate::state::State;
use crate::value::{Payload, Value};
use crate::vm::meta::Tm;
use crate::vm::ops::{ArithOp, Step, VarInfo, plain_less_equal, plain_less_than};

/// Integer operation of a fast arithmetic instruction.
#[inline(always)]
fn int_op(op: ArithOp, x: i64, y: i64) -> Option<i64> {
    match op {
        ArithOp::Add => Some(x.wrapping_add(y)),
        ArithOp::Sub => Some(x.wrapping_sub(y)),
        ArithOp::Mul => Some(x.wrapping_mul(y)),
        ArithOp::BAnd => Some(x & y),
        ArithOp::BOr => Some(x | y),
        ArithOp::BXor => Some(x ^ y),
        // Divisors 0 (an error) and -1 take the full path: the shared
        // functions' own checks for them then fold away.
        ArithOp::Mod if !(-1..=0).contains(&y) => number::int_mod(x, y),
        ArithOp::IDiv if !(-1..=0).contains(&y) => number::int_floor_div(x, y),
        _ => None,
    }
}

/// Float operation of a fast arithmetic instruction.
#[inline(always)]
fn float_op(op: ArithOp, x: f64, y: f64) -> Option<f64> {
    match op {
        ArithOp::Add => Some(x + y),
        ArithOp::Sub => Some(x - y),
        ArithOp::Mul => Some(x * y),
        ArithOp::Div => Some(x / y),
        _ => None,
    }
}

/// Arithmetic on two numbers without coercions; `None`: take the full
/// path. Operands by reference so that only the tags and payloads are read.
#[inline(always)]
pub fn arith_fast(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            if op == ArithOp::Div {
                return Some(Value::Float(*x as f64 / *y as f64));
            }
            int_op(op, *x, *y).map(Value::Int)
        }
        (Value::Float(x), Value::Float(y)) => float_op(op, *x, *y).map(Value::Float),
        (Value::Float(x), Value::Int(y)) => float_op(op, *x, *y as f64).map(Value::Float),
        (Value::Int(x), Value::Float(y)) => float_op(op, *x as f64, *y).map(Value::Float),
        _ => None,
    }
}

/// `x - imm` for a number `x` (`SubI`), as PUC runs it: as `x + (-imm)`
/// (OP_ADDI), the same number except that `-0.0 - 0` is 0.0. `None` for a
/// non-number, whose metamethod is still `__sub` with `imm`.
#[inline(always)]
pub fn sub_imm_fast(x: &Value, imm: i16) -> Option<Value> {
    arith_fast(ArithOp::Add, x, &Value::Int(-i64::from(imm)))
}

/// Arithmetic through metamethods and coercions, its operands as
/// [`Words`].
#[inline(always)]
pub fn arith_slow(
    st: &mut State,
    op: ArithOp,
    a: Value,
    b: Value,
    ia: VarInfo,
    ib: VarInfo,
) -> LuaResult<Step> {
    arith_slow_words(st, op, a.to_words(), b.to_words(), ia, ib)
}

#[cold]
#[inline(never)]
fn arith_slow_words(
    st: &mut State,
    op: ArithOp,
    a: Words,
    b: Words,
    ia: VarInfo,
    ib: VarInfo,
) -> LuaResult<Step> {
    // SAFETY: `arith_slow` split live values.
    let (a, b) = unsafe { (from_words(a), from_words(b)) };
    st.arith_step(op, a, b, ia, ib)
}

/// The full `t[key]` (metamethods, errors). Its operands cross the call
/// as words, in registers (see [`Words`]).
#[inline(always)]
pub fn index_slow(st: &mut State, t: Value, key: Value, info: VarInfo) -> LuaResult<Step> {
    index_slow_words(st, t.to_words(), key.to_words(), info)
}

#[cold]
#[inline(never)]
fn index_slow_words(st: &mut State, t: Words, key: Words, info: VarInfo) -> LuaResult<Step> {
    // SAFETY: `index_slow` split live values.
    let (t, key) = unsafe { (from_words(t), from_words(key)) };
    st.index_step(t, key, info)
}

/// A value's two words, as an out-of-line helper's argument: a `Value`
/// argument is passed by reference to a copy on the stack, and with the
/// slow paths of an instruction sharing that copy, LLVM stored the
/// operands to it on the fast path too (`perf annotate` of `GETTABLE`:
/// four stores per instruction). Two words travel in registers.
pub type Words = (u64, Payload);

/// The value of [`Words`] made by [`Value::to_words`].
///
/// # Safety
/// As [`Value::from_words`].
#[inline(always)]
unsafe fn from_words((tag, payload): Words) -> Value {
    // SAFETY: the caller's contract.
    unsafe { Value::from_words(tag, payload) }
}

/// The full `t[key] = v` (metamethods, errors), its operands as
/// [`Words`].
#[inline(always)]
pub fn set_index_slow(
    st: &mut State,
    t: Value,
    key: Value,
    v: Value,
    info: VarInfo,
) -> LuaResult<Step> {
    set_index_slow_words(st, t.to_words(), key.to_words(), v.to_words(), info)
}

#[cold]
#[inline(never)]
fn set_index_slow_words(
    st: &mut State,
    t: Words,
    key: Words,
    v: Words,
    info: VarInfo,
) -> LuaResult<Step> {
    // SAFETY: `set_index_slow` split live values.
    let (t, key, v) = unsafe { (from_words(t), from_words(key), from_words(v)) };
    st.set_index_step(t, key, v, info)
}

/// How many `__index` tables [`index_class`] follows before leaving the
/// rest of a chain to the full path (which counts up to lua5.4's limit
/// and raises its error). Class hierarchies are a few levels deep.
const CLASS_DEPTH: usize = 16;

/// A value as its [`Words`], or none when the tag word is [`NO_VALUE`]:
/// how an out-of-line lookup hands back a value that may be missing. The
/// two words come back in two registers; an `Option<Value>` came back
/// through memory, and reading it whole waited for the two 8-byte stores
/// that wrote it (docs/PERFORMANCE.md, "Store forwarding").
pub type MaybeWords = Words;

/// The tag word of a missing [`MaybeWords`] (no `Value` has this tag).
pub const NO_VALUE: u64 = u64::MAX;

/// The value of a [`MaybeWords`], if there is one.
#[inline(always)]
pub fn maybe_value((tag, payload): MaybeWords) -> Option<Value> {
    // SAFETY: a tag other than `NO_VALUE` comes with the payload of the
    // value `to_words` split (`index_class` builds no other).
    (tag != NO_VALUE).then(|| unsafe { Value::from_words(tag, payload) })
}

/// `t[key]` for the class pattern, after the raw lookup in `t` missed:
/// the value found by following `__index` tables (a class, its base
/// class, ...), as [`MaybeWords`]. Missing when the full path
/// ([`index_slow`]) must run: `t` without a metatable, a
/// function `__index` anywhere on the way, a chain longer than
/// [`CLASS_DEPTH`]. Raw lookups have no side effects, so the full path may
/// start over from `t`. Out of line: the executors' inline lookup stays as
/// small as a plain table's.
#[inline(always)]
pub fn index_class(st: &State, t: Value, key: Value) -> MaybeWords {
    index_class_words(st, t.to_words(), key.to_words())
}

#[inline(never)]
fn index_class_words(st: &State, t: Words, key: Words) -> MaybeWords {
    // SAFETY: `index_class` split live values.
    let (t, key) = unsafe { (from_words(t), from_words(key)) };
    const MISS: MaybeWords = (NO_VALUE, Payload::uninit());
    // Any value with a metatable: a string's methods are the same pattern
    // (the string metatable's `__index` is the `string` table).
    let mut mt = st.metatable(t);
    for _ in 0..CLASS_DEPTH {
        let Some(m) = mt else {
            return MISS;
        };
        let Value::Table(h) = st.tm_of(m, Tm::Index) else {
            return MISS;
        };
        let v = raw_get(h, key);
        mt = h.metatable();
        if !v.is_nil() || mt.is_none() {
            return v.to_words();
        }
    }
    MISS
}

/// Raw `t[key]` for a key of any type, integer and string keys first.
#[inline(always)]
pub fn raw_get(tab: Gc<Table>, key: Value) -> Value {
    match key {
        Value::Int(i) => tab.get_int(i),
        Value::Str(_) => tab.get_str(key),
        // SAFETY: `get_words` returns the words of a live value.
        _ => unsafe { from_words(get_words(tab, key.to_words())) },
    }
}

/// Raw `tab[key]` for the other key types, out of line, its key and
/// result as [`Words`].
#[inline(never)]
fn get_words(tab: Gc<Table>, key: Words) -> Words {
    // SAFETY: `raw_get` split a live value.
    tab.get(unsafe { from_words(key) }).to_words()
}

/// The raw store when `t` is a table without a metatable, or when the key
/// is already present (`__newindex` only concerns absent keys: PUC's
/// `luaV_fastset`, so a field update of an object with a class metatable
/// stays fast): `Ok(true)` when done, `Ok(false)` when the full path must
/// run. A table the collector holds black is left to the full path too,
/// whose store runs the write barrier: testing the color before the store
/// keeps the barrier out of this path (a barrier after the store kept the
/// stored value alive across it, and the flat loop spilled it).
#[inline(always)]
pub fn set_fast(st: &mut State, t: Value, key: Value, v: Value) -> LuaResult<bool> {
    let Value::Table(tab) = t else {
        return Ok(false);
    };
    if tab.is_black() {
        return Ok(false);
    }
    // The usual field store, an update of a present field, inline and
    // whatever the metatable.
    if matches!(key, Value::Str(_)) && tab.replace_str(key, v) {
        return Ok(true);
    }
    if tab.metatable().is_some() {
        return Ok(set_present(tab, key, v));
    }
    match key {
        Value::Int(i) => {
            // A store inside the array part cannot grow the table: no GC
            // accounting needed.
            let mut raw = tab.raw_mut();
            if (i as u64).wrapping_sub(1) < raw.array_len() as u64 {
                raw.set_int(i, v);
                return Ok(true);
            }
            drop(raw);
            st.raw_set_int(tab, i, v);
        }
        Value::Str(_) => {
            // Assigning an existing field (or one that fits) leaves the
            // parts' sizes alone: no GC accounting needed. After a rehash
            // (which may resize either part) the same store goes through
            // `raw_set` again, which accounts for it.
            if tab.set_str_raw(key, v) {
                st.raw_set(tab, key, v)?;
            }
        }
        _ => st.raw_set(tab, key, v)?,
    }
    Ok(true)
}

/// `t[key] = v` raw if `t[key]` is present (not nil), for an integer key
/// in the array part; false (nothing done) otherwise. Overwriting a present key
/// never resizes the table, so no memory accounting is needed; the table
/// is not black (the caller checked), so no barrier either.
#[inline(always)]
fn set_present(tab: Gc<Table>, key: Value, v: Value) -> bool {
    // A present string key was stored by the caller (`replace_str`); a
    // long string, compared by content, is rare enough for the full path.
    let Value::Int(i) = key else { return false };
    let mut raw = tab.raw_mut();
    if (i as u64).wrapping_sub(1) < raw.array_len() as u64 && !raw.get_int(i).is_nil() {
        raw.set_int(i, v);
        return true;
    }
    false
}

/// A conditional's test when no call can decide it (numbers, truthiness,
/// raw equality with a constant); `None` for the rest, which goes to
/// [`test_slow`]. `r(x)` reads register `x` of the running frame: each
/// executor passes its own register access.
///
/// # Safety
/// An `EqK` test's constant index is below `k.len()`: `k` is the running
/// function's constants and `t` one of its tests, which `verify` checked
/// (lua-bytecode's `verify` docs, "Indices"). Unchecked, so that the
/// executors' loops need not keep the constants' length.
#[inline(always)]
pub unsafe fn test_fast(r: impl Fn(u8) -> Value, k: &[Value], t: &Test) -> Option<bool> {
    match *t {
        Test::Truthy(a) => Some(r(a).truthy()),
        Test::Lt(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x < y),
            (Value::Float(x), Value::Float(y)) => Some(x < y),
            (x, y) => compare_plain(PlainCmp::Lt, x, y),
        },
        Test::Le(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x <= y),
            (Value::Float(x), Value::Float(y)) => Some(x <= y),
            (x, y) => compare_plain(PlainCmp::Le, x, y),
        },
        Test::Eq(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x == y),
            (x, y) => compare_plain(PlainCmp::Eq, x, y),
        },
        // A constant never has metamethods: raw equality is the answer.
        Test::EqK(a, kk) => {
            debug_assert!((kk as usize) < k.len());
            // SAFETY: in bounds (the function's contract).
            Some(r(a).raw_eq(unsafe { k.get_unchecked(kk as usize) }))
        }
        Test::EqI(a, i) => match r(a) {
            Value::Int(x) => Some(x == i as i64),
            v => Some(v.raw_eq(&Value::Int(i as i64))),
        },
        Test::LtI(a, i) => match r(a) {
            Value::Int(x) => Some(x < i as i64),
            v => compare_plain(PlainCmp::Lt, v, Value::Int(i as i64)),
        },
        Test::LeI(a, i) => match r(a) {
            Value::Int(x) => Some(x <= i as i64),
            v => compare_plain(PlainCmp::Le, v, Value::Int(i as i64)),
        },
        Test::GtI(a, i) => match r(a) {
            Value::Int(x) => Some(x > i as i64),
            v => compare_plain(PlainCmp::Lt, Value::Int(i as i64), v),
        },
        Test::GeI(a, i) => match r(a) {
            Value::Int(x) => Some(x >= i as i64),
            v => compare_plain(PlainCmp::Le, Value::Int(i as i64), v),
        },
    }
}

/// The comparisons [`compare_plain`] decides.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PlainCmp {
    Eq,
    Lt,
    Le,
}

/// A comparison no metamethod can decide, for the operand types the
/// executors' inline cases leave: mixed integers and floats, strings,
/// equality of values other than two distinct tables or userdata. `None`
/// for the rest ([`test_slow`]: metamethods and errors).
#[inline(always)]
pub fn compare_plain(cmp: PlainCmp, a: Value, b: Value) -> Option<bool> {
    match compare_plain_words(cmp, a.to_words(), b.to_words()) {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// [`compare_plain`] out of line, its operands as [`Words`] and its answer
/// as 0 (false), 1 (true) or 2 (not decided): a small result travels in a
/// register, where an `Option` of the full path's `Step` went through
/// memory and stalled on reading it back.
#[inline(never)]
fn compare_plain_words(cmp: PlainCmp, a: Words, b: Words) -> u8 {
    // SAFETY: `compare_plain` split live values.
    let (a, b) = unsafe { (from_words(a), from_words(b)) };
    let r = match cmp {
        PlainCmp::Eq => match (a, b) {
            (Value::Table(x), Value::Table(y)) if !Gc::ptr_eq(x, y) => return 2,
            (Value::UserData(x), Value::UserData(y)) if !Gc::ptr_eq(x, y) => return 2,
            _ => a.raw_eq(&b),
        },
        PlainCmp::Lt => match plain_less_than(a, b) {
            Some(r) => r,
            None => return 2,
        },
        PlainCmp::Le => match plain_less_equal(a, b) {
            Some(r) => r,
            None => return 2,
        },
    };
    r as u8
}

/// The full path of a conditional's test, out of line: its value, or the
/// comparison metamethod to run (its result's truthiness decides).
#[cold]
#[inline(never)]
pub fn test_slow(st: &mut State, base: usize, k: &[Value], t: &Test) -> LuaResult<Step> {
    crate::vm::interp::test_step(st, base, k, t)
}
