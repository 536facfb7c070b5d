//! Conditions: trees of `and`/`or` over leaves, evaluated one leaf at a
//! time.
//!
//! A leaf is a `pre` block (which computes the operands and may call
//! functions) followed by a test. The walk cannot evaluate a whole
//! condition in one Rust call, because a `pre` block or a comparison
//! metamethod may run Lua frames (and a coroutine may yield inside them):
//! so a leaf with a non-empty `pre` block, or whose test needs the full
//! comparison, runs under a cursor of its own (`sub = 2 + i`), and
//! [`cond_next`] says what follows its outcome.
//!
//! Most leaves have a short `pre` block (a constant load, a table read, an
//! arithmetic operation) and a test on numbers or truthiness.
//! [`cond_fast`] evaluates a run of such leaves in place, without touching
//! the cursor stack: it runs each `pre` block's nodes on their fast paths
//! ([`pre_fast`]) and stops at the first node or test that needs the full
//! path (a metamethod, an error, a call). The walk then runs the rest of
//! that leaf under a cursor, from that node on. That is what keeps `if`,
//! `while` and `repeat` cheap.
//!
//! Stopping in the middle of a `pre` block is sound because a node run on
//! its fast path has no effect besides writing its destination register,
//! and the node that stopped the run has not done anything yet: the walk
//! runs it from the start.

use lua_bytecode::{Cond, Node, Op};
use lua_runtime::error::LuaResult;
use lua_runtime::object::UpVal;
use lua_runtime::vm::interp::{arith_op, push_pending_frame};
use lua_runtime::vm::ops::{ArithOp, Step};
use lua_runtime::{Gc, State, Table, Value};

use lua_runtime::vm::fast::{
    arith_fast, index_class, maybe_value, raw_get, sub_imm_fast, test_fast, test_slow,
};
use lua_runtime::vm::regs;

// Register access for conditions: `base` is always the running frame's and
// the registers are its code's, below its `max_registers` (the `regs`
// module's invariant).
macro_rules! r {
    ($st:expr, $base:expr, $x:expr) => {
        // SAFETY: see above.
        unsafe { regs::get($st, $base, $x) }
    };
}
macro_rules! reg {
    ($st:expr, $base:expr, $x:expr) => {
        // SAFETY: see above.
        unsafe { regs::get_ref($st, $base, $x) }
    };
}
macro_rules! slot {
    ($st:expr, $base:expr, $x:expr) => {
        // SAFETY: see above.
        unsafe { regs::slot($st, $base, $x) }
    };
}

/// The `i`-th leaf (in order) of a condition.
pub(crate) fn leaf(c: &Cond, i: usize) -> &Cond {
    match c {
        Cond::Leaf { .. } => c,
        Cond::And(a, b, n) | Cond::Or(a, b, n) => {
            let n = *n as usize;
            if i < n { leaf(a, i) } else { leaf(b, i - n) }
        }
    }
}

/// What follows leaf `i` evaluating to `outcome`.
#[derive(Debug, PartialEq, Eq)]
pub enum CondNext {
    Leaf(usize),
    Done(bool),
}

/// Which leaf to evaluate after leaf `i` of `c` gave `outcome`, or the
/// condition's value.
pub fn cond_next(c: &Cond, i: usize, outcome: bool) -> CondNext {
    match c {
        Cond::Leaf { .. } => CondNext::Done(outcome),
        Cond::And(a, b, n) | Cond::Or(a, b, n) => {
            let is_and = matches!(c, Cond::And(..));
            let n = *n as usize;
            if i < n {
                match cond_next(a, i, outcome) {
                    CondNext::Leaf(j) => CondNext::Leaf(j),
                    CondNext::Done(v) => {
                        if v == is_and {
                            // and: left true -> evaluate right; or: left false -> right.
                            CondNext::Leaf(n)
                        } else {
                            CondNext::Done(v)
                        }
                    }
                }
            } else {
                match cond_next(b, i - n, outcome) {
                    CondNext::Leaf(j) => CondNext::Leaf(j + n),
                    d => d,
                }
            }
        }
    }
}

/// The `pre` block of leaf `i`.
pub(crate) fn leaf_pre(c: &Cond, i: usize) -> &[Node] {
    match leaf(c, i) {
        Cond::Leaf { pre, .. } => &pre.nodes,
        _ => &[],
    }
}

/// The pc of leaf `i` of `c` (its test's).
pub(crate) fn leaf_pc(c: &Cond, i: usize) -> u32 {
    match leaf(c, i) {
        Cond::Leaf { pc, .. } => *pc,
        _ => 0,
    }
}

/// Where a condition's evaluation stands after [`cond_fast`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Go {
    /// The condition's value.
    Done(bool),
    /// Leaf `i` must run under its own cursor from node `p` of its `pre`
    /// block (`p == pre.len()`: only its test is left, and it needs the
    /// full comparison).
    Leaf(usize, usize),
}

/// Evaluate the leaves of `c` from leaf `i` on, as long as their `pre`
/// blocks and tests complete on fast paths.
#[inline(always)]
pub(crate) fn cond_fast(
    st: &mut State,
    base: usize,
    k: &[Value],
    upvals: &[std::cell::Cell<Gc<UpVal>>],
    c: &Cond,
    mut i: usize,
) -> Go {
    loop {
        let Cond::Leaf {
            pre, test, negate, ..
        } = leaf(c, i)
        else {
            // `leaf` only returns leaves.
            return Go::Done(false);
        };
        if !pre.nodes.is_empty() {
            let p = pre_fast(st, base, k, upvals, &pre.nodes);
            if p < pre.nodes.len() {
                return Go::Leaf(i, p);
            }
        }
        let read = |x| r!(st, base, x);
        // SAFETY: `k` and the test are the running function's, which
        // `verify` checked.
        let Some(r) = (unsafe { test_fast(read, k, test) }) else {
            return Go::Leaf(i, pre.nodes.len());
        };
        if let Cond::Leaf { .. } = c {
            return Go::Done(r != *negate);
        }
        match cond_next(c, i, r != *negate) {
            CondNext::Leaf(j) => i = j,
            CondNext::Done(v) => return Go::Done(v),
        }
    }
}

/// Run the leading nodes of a `pre` block that complete on a fast path
/// (loads, moves, upvalue reads, table reads that hit or need no
/// metamethod, number arithmetic, lengths of strings and plain tables);
/// returns how many ran. Out of line: inlined into the walk's loop it
/// measurably slowed down unrelated paths (calls) through register
/// pressure.
#[inline(never)]
fn pre_fast(
    st: &mut State,
    base: usize,
    k: &[Value],
    upvals: &[std::cell::Cell<Gc<UpVal>>],
    nodes: &[Node],
) -> usize {
    // `t[key]` when no call decides it.
    #[inline(always)]
    fn index(
        st: &State,
        t: Value,
        key: Value,
        lookup: impl FnOnce(Gc<Table>) -> Value,
    ) -> Option<Value> {
        if let Value::Table(tab) = t {
            let v = lookup(tab);
            if !v.is_nil() || tab.metatable().is_none() {
                return Some(v);
            }
        }
        maybe_value(index_class(st, t, key))
    }
    for (n, node) in nodes.iter().enumerate() {
        let Node::Op { op, .. } = node else {
            return n;
        };
        let (dst, v) = match *op {
            Op::Move { dst, src } => (dst, r!(st, base, src)),
            Op::LoadI { dst, value } => (dst, Value::Int(value as i64)),
            Op::LoadF { dst, value } => (dst, Value::Float(value as f64)),
            Op::LoadK { dst, k: kk } => (dst, k[kk as usize]),
            Op::LoadFalse { dst } => (dst, Value::Bool(false)),
            Op::LoadTrue { dst } => (dst, Value::Bool(true)),
            Op::GetUpval { dst, up } => (dst, upvals[up as usize].get().get()),
            Op::Not { dst, src } => (dst, Value::Bool(!reg!(st, base, src).truthy())),
            Op::GetTabUp { dst, up, key } => {
                let key = k[key as usize];
                let t = upvals[up as usize].get().get();
                match index(st, t, key, |tab| tab.get_str(key)) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::GetTable { dst, obj, key } => {
                let kv = r!(st, base, key);
                match index(st, r!(st, base, obj), kv, |tab| raw_get(tab, kv)) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::GetI { dst, obj, index: i } => {
                match index(st, r!(st, base, obj), Value::Int(i as i64), |tab| {
                    tab.get_int(i as i64)
                }) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::GetField { dst, obj, key } => {
                let kv = k[key as usize];
                match index(st, r!(st, base, obj), kv, |tab| tab.get_str(kv)) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::Len { dst, src } => match reg!(st, base, src) {
                Value::Str(s) => (dst, Value::Int(s.len() as i64)),
                Value::Table(t) if t.metatable().is_none() => (dst, Value::Int(t.len())),
                _ => return n,
            },
            Op::Add { dst, a, b }
            | Op::Sub { dst, a, b }
            | Op::Mul { dst, a, b }
            | Op::Mod { dst, a, b }
            | Op::Div { dst, a, b }
            | Op::IDiv { dst, a, b } => {
                match arith_fast(arith_op(op), reg!(st, base, a), reg!(st, base, b)) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::AddK { dst, a, k: kk }
            | Op::SubK { dst, a, k: kk }
            | Op::MulK { dst, a, k: kk }
            | Op::ModK { dst, a, k: kk }
            | Op::DivK { dst, a, k: kk }
            | Op::IDivK { dst, a, k: kk } => {
                match arith_fast(arith_op(op), reg!(st, base, a), &k[kk as usize]) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::AddI { dst, a, imm } => {
                match arith_fast(ArithOp::Add, reg!(st, base, a), &Value::Int(imm as i64)) {
                    Some(v) => (dst, v),
                    None => return n,
                }
            }
            Op::SubI { dst, a, imm } => match sub_imm_fast(reg!(st, base, a), imm) {
                Some(v) => (dst, v),
                None => return n,
            },
            _ => return n,
        };
        Value::store_number(slot!(st, base, dst), v);
    }
    nodes.len()
}

/// Evaluate leaf `i` of condition `c` (its `pre` block has run) and say
/// what comes next; `None`: a metamethod frame was pushed (the leaf's
/// outcome arrives as `pending` when this frame resumes).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(crate) fn cond_step(
    st: &mut State,
    base: usize,
    maxr: usize,
    k: &[Value],
    fi: usize,
    c: &Cond,
    i: usize,
    pending: &mut Option<bool>,
) -> LuaResult<Option<CondNext>> {
    let Cond::Leaf {
        test, negate, pc, ..
    } = leaf(c, i)
    else {
        return Ok(Some(CondNext::Done(false)));
    };
    st.th.frames[fi].pc = *pc;
    let read = |x| r!(st, base, x);
    let outcome = match pending.take() {
        Some(r) => r,
        // SAFETY: as in `cond_fast`.
        None => match unsafe { test_fast(read, k, test) } {
            Some(r) => r,
            None => match test_slow(st, base, k, test)? {
                Step::Done(v) => v.truthy(),
                Step::Call(n) => match st.pending.function() {
                    Value::LuaFn(_) => {
                        push_pending_frame(st, fi, base + maxr, n)?;
                        return Ok(None);
                    }
                    _ => st.call_pending(n)?.truthy(),
                },
            },
        },
    };
    Ok(Some(cond_next(c, i, outcome != *negate)))
}
