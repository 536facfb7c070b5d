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
//! Most leaves have an empty `pre` block and a test on integers or
//! truthiness. [`cond_fast`] evaluates a run of such leaves in place,
//! without touching the cursor stack, and stops at the first leaf that
//! needs the general path; that is what keeps `if`, `while` and `repeat`
//! cheap.

use lua_bytecode::{Cond, Node, Test};
use lua_runtime::error::LuaResult;
use lua_runtime::interp::{push_meta_frame, test_step};
use lua_runtime::ops::Step;
use lua_runtime::{State, Value};

use crate::window::get_ref;

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

/// Where a condition's evaluation stands after [`cond_fast`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Go {
    /// The condition's value.
    Done(bool),
    /// Leaf `i` must run under its own cursor: its `pre` block is not
    /// empty, or its test needs the full comparison.
    Leaf(usize),
}

/// Evaluate the leaves of `c` from leaf `i` on, as long as each has an
/// empty `pre` block and a test that needs no call.
#[inline(always)]
pub(crate) fn cond_fast(st: &State, base: usize, k: &[Value], c: &Cond, mut i: usize) -> Go {
    loop {
        let Cond::Leaf {
            pre, test, negate, ..
        } = leaf(c, i)
        else {
            // `leaf` only returns leaves.
            return Go::Done(false);
        };
        if !pre.nodes.is_empty() {
            return Go::Leaf(i);
        }
        let Some(r) = quick_test(st, base, k, test) else {
            return Go::Leaf(i);
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
    let outcome = match pending.take() {
        Some(r) => r,
        None => match quick_test(st, base, k, test) {
            Some(r) => r,
            None => match test_step(st, base, k, test)? {
                Step::Done(v) => v.truthy(),
                Step::Call(h, args, n) => match h {
                    Value::LuaFn(_) => {
                        push_meta_frame(st, fi, base + maxr, h, &args[..n])?;
                        return Ok(None);
                    }
                    _ => st.call1(h, &args[..n])?.truthy(),
                },
            },
        },
    };
    Ok(Some(cond_next(c, i, outcome != *negate)))
}

/// A test when it needs no call (numbers, truthiness, raw equality with a
/// constant): `None` for the rest. Operands by reference so that only
/// tags and payloads are loaded.
#[inline(always)]
pub(crate) fn quick_test(st: &State, base: usize, k: &[Value], t: &Test) -> Option<bool> {
    let r = |x: u8| get_ref(st, base, x);
    match *t {
        Test::Truthy(a) => Some(r(a).truthy()),
        Test::Lt(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x < y),
            (Value::Float(x), Value::Float(y)) => Some(x < y),
            _ => None,
        },
        Test::Le(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x <= y),
            (Value::Float(x), Value::Float(y)) => Some(x <= y),
            _ => None,
        },
        Test::Eq(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x == y),
            _ => None,
        },
        // A constant never has metamethods: raw equality is the answer.
        Test::EqK(a, kk) => Some(r(a).raw_eq(&k[kk as usize])),
        Test::EqI(a, i) => match r(a) {
            Value::Int(x) => Some(*x == i as i64),
            v => Some(v.raw_eq(&Value::Int(i as i64))),
        },
        Test::LtI(a, i) => match r(a) {
            Value::Int(x) => Some(*x < i as i64),
            _ => None,
        },
        Test::LeI(a, i) => match r(a) {
            Value::Int(x) => Some(*x <= i as i64),
            _ => None,
        },
        Test::GtI(a, i) => match r(a) {
            Value::Int(x) => Some(*x > i as i64),
            _ => None,
        },
        Test::GeI(a, i) => match r(a) {
            Value::Int(x) => Some(*x >= i as i64),
            _ => None,
        },
    }
}
