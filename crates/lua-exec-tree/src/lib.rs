//! lua-exec-tree: the baseline executor. It walks the *structured* code of
//! lua-bytecode (blocks of nodes; `if`/loops hold nested blocks) and
//! implements [`lua_runtime::Executor`].
//!
//! It is not the fast executor (lua-exec-flat is) and holds no semantics of
//! its own: values, operators, metamethods, errors and the library all live
//! in lua-runtime. What it owns is the walk.
//!
//! # How the walk works without recursion
//!
//! Lua→Lua calls push a [`CallFrame`](lua_runtime::thread::CallFrame) on the
//! thread's frame stack and the loop carries on in the callee; a return pops
//! it and delivers the results where the frame says. Nested blocks do not
//! recurse either: each frame owns a slice of the thread's *cursor stack*
//! (`ThreadStacks::cursors`, from `frame.cursor_base`). A cursor is
//! `(sub, pos)`: `pos` is the position in the current block, `sub` says
//! which block of the control node at the parent cursor's position this is:
//! `0` the then-branch or loop body, `1` the else-branch, `2 + i` the `pre`
//! block of the `i`-th leaf (in order) of the node's condition, and
//! [`ITER`] the pending iterator call of a generic `for`. The first cursor
//! of a frame is the function body. The current block is found by walking
//! the cursors from the body (a few steps), cached until the cursor stack
//! changes.
//!
//! Conditions are trees of `and`/`or` over leaves; the walk evaluates one
//! leaf at a time (its `pre` block may call functions, so it must be able
//! to stop and resume) and [`cond_next`] tells which leaf comes next for a
//! leaf's outcome, or the condition's final value.
//!
//! `pcall`/`xpcall` push a protected native frame and call their function
//! in the same loop, so deep recursion inside pcall is fine; an error
//! unwinds the frames to the nearest protected one (above the frame that
//! entered this loop) or leaves the loop. A metamethod written in Lua is
//! run by lua-runtime through `State::call` (a nested loop, counted against
//! the C-call limit exactly where lua5.4 counts it).
//!
//! ```
//! use std::rc::Rc;
//! let mut st = lua_runtime::State::new(Rc::new(lua_exec_tree::TreeExecutor));
//! let f = st.load(b"return 6 * 7", "=example", "t", None).unwrap();
//! let r = st.call(f, &[]).unwrap();
//! assert!(matches!(r[0], lua_runtime::Value::Int(42)));
//! ```

use std::rc::Rc;

use lua_bytecode::{Cond, MULTRET, Node, Op, Proto, RK, Test};
use lua_runtime::error::{LuaError, LuaResult};
use lua_runtime::meta::Tm;
use lua_runtime::object::{Args, FnProto, NativeKind};
use lua_runtime::ops::{ArithOp, VarInfo};
use lua_runtime::state::MAX_STACK;
use lua_runtime::thread::{
    CallFrame, Cursor, FRAME_CCALL, FRAME_PROTECTED, FRAME_TAIL, FRAME_TRACEBACK, FRAME_XPCALL,
    FrameFn, Ret,
};
use lua_runtime::{Executor, State, Value};

/// The tree-walking executor.
#[derive(Clone, Copy, Debug, Default)]
pub struct TreeExecutor;

impl Executor for TreeExecutor {
    fn name(&self) -> &'static str {
        "tree"
    }

    fn call(&self, st: &mut State, func: usize, nresults: i32, flags: u8) -> LuaResult<()> {
        execute(st, func, nresults, flags)
    }
}

/// `sub` of a generic `for` cursor waiting for its iterator's results.
pub const ITER: u32 = u32::MAX;

const EMPTY: &[Node] = &[];

// ---------------------------------------------------------------------------
// Conditions

fn leaf_count(c: &Cond) -> usize {
    match c {
        Cond::Leaf { .. } => 1,
        Cond::And(a, b) | Cond::Or(a, b) => leaf_count(a) + leaf_count(b),
    }
}

/// The `i`-th leaf (in order) of a condition.
fn leaf(c: &Cond, i: usize) -> &Cond {
    match c {
        Cond::Leaf { .. } => c,
        Cond::And(a, b) | Cond::Or(a, b) => {
            let n = leaf_count(a);
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
        Cond::And(a, b) | Cond::Or(a, b) => {
            let is_and = matches!(c, Cond::And(..));
            let n = leaf_count(a);
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

fn leaf_pre(c: &Cond, i: usize) -> &[Node] {
    match leaf(c, i) {
        Cond::Leaf { pre, .. } => &pre.nodes,
        _ => EMPTY,
    }
}

/// The block `sub` of control node `node`.
fn sub_block(node: &Node, sub: u32) -> &[Node] {
    match node {
        Node::If(b) => match sub {
            0 => &b.then_.nodes,
            1 => &b.else_.nodes,
            s => leaf_pre(&b.cond, (s - 2) as usize),
        },
        Node::While(b) => match sub {
            0 => &b.body.nodes,
            s => leaf_pre(&b.cond, (s - 2) as usize),
        },
        Node::Repeat(b) => match sub {
            0 => &b.body.nodes,
            s => leaf_pre(&b.cond, (s - 2) as usize),
        },
        Node::Loop(b) => &b.body.nodes,
        Node::NumericFor(b) => &b.body.nodes,
        Node::GenericFor(b) => {
            if sub == ITER {
                EMPTY
            } else {
                &b.body.nodes
            }
        }
        _ => EMPTY,
    }
}

/// The block the cursors designate (the first cursor is the body).
fn resolve<'a>(proto: &'a Proto, cursors: &[Cursor]) -> &'a [Node] {
    let mut block: &[Node] = &proto.code.nodes;
    for i in 1..cursors.len() {
        let parent_pos = cursors[i - 1].b as usize;
        match block.get(parent_pos) {
            Some(node) => block = sub_block(node, cursors[i].a),
            None => return EMPTY,
        }
    }
    block
}

// Cursor fields: `a` is `sub`, `b` is `pos`.
#[inline]
fn cur(sub: u32, pos: u32) -> Cursor {
    Cursor { a: sub, b: pos }
}

// ---------------------------------------------------------------------------
// Calls

enum Called {
    /// A Lua frame was pushed: run it.
    Lua,
    /// The call completed (a native); results delivered, new top.
    Done(usize),
}

fn frame_closure_proto(f: &CallFrame) -> Option<Rc<FnProto>> {
    match f.func_fn {
        FrameFn::Lua(c) => Some(c.p.clone()),
        FrameFn::Native(_) => None,
    }
}

/// Stack extent the frame on top needs (Lua: registers; else nothing).
fn frame_extent(st: &State) -> usize {
    match st.th.frames.last() {
        Some(f) => match f.func_fn {
            FrameFn::Lua(c) => f.base + c.p.proto.max_registers as usize,
            FrameFn::Native(_) => 0,
        },
        None => 0,
    }
}

/// Move `n` results from `first` to the frame's `func` slot and adjust them
/// to what the frame's `ret` wants; the frame has already been popped.
/// Returns the new top (end of the results).
fn post_call(st: &mut State, fr: &CallFrame, first: usize, n: usize) -> usize {
    let func = fr.func;
    let want = match fr.ret {
        Ret::Normal { want } | Ret::Host { want } => want,
    };
    let count = if want < 0 { n } else { want as usize };
    let stack = &mut st.th.stack;
    if first != func {
        for i in 0..n.min(count) {
            stack[func + i] = stack[first + i];
        }
    }
    let end = func + count;
    if stack.len() < end {
        stack.resize(end, Value::Nil);
    }
    for i in n..count {
        stack[func + i] = Value::Nil;
    }
    match fr.ret {
        Ret::Host { .. } => st.th.stack.truncate(end),
        Ret::Normal { .. } => {
            let ext = frame_extent(st).max(end);
            if matches!(
                st.th.frames.last().map(|f| f.func_fn),
                Some(FrameFn::Native(_))
            ) {
                st.th.stack.truncate(end);
            } else if st.th.stack.len() < ext {
                st.th.stack.resize(ext, Value::Nil);
            } else {
                st.th.stack.truncate(ext);
            }
        }
    }
    end
}

/// Call the value at `func` with `nargs` arguments above it.
fn precall(
    st: &mut State,
    func: usize,
    mut nargs: usize,
    ret: Ret,
    flags: u8,
    info: VarInfo,
) -> LuaResult<Called> {
    let mut tries = 0;
    loop {
        let f = st.th.stack[func];
        match f {
            Value::LuaFn(c) => {
                let p = &c.p.proto;
                let np = p.num_params as usize;
                let maxr = p.max_registers as usize;
                let (base, nvar) = if p.is_vararg && nargs > np {
                    (func + 1 + nargs, nargs - np)
                } else {
                    (func + 1, 0)
                };
                if base + maxr + 7 > MAX_STACK {
                    return Err(st.rt_error("stack overflow"));
                }
                let need = base + maxr;
                st.th.stack.truncate(func + 1 + nargs);
                if st.th.stack.len() < need {
                    st.th.stack.resize(need, Value::Nil);
                } else {
                    st.th.stack.truncate(need);
                }
                if nvar > 0 {
                    for i in 0..np {
                        st.th.stack[base + i] = st.th.stack[func + 1 + i];
                    }
                } else {
                    for i in nargs..np {
                        st.th.stack[base + i] = Value::Nil;
                    }
                }
                let cb = st.th.cursors.len() as u32;
                st.th.cursors.push(cur(0, 0));
                st.th.frames.push(CallFrame {
                    func_fn: FrameFn::Lua(c),
                    func,
                    base,
                    nvarargs: nvar,
                    ret,
                    pc: 0,
                    cursor_base: cb,
                    flags,
                });
                st.gc_check();
                return Ok(Called::Lua);
            }
            Value::Native(nf) => {
                st.th.stack.truncate(func + 1 + nargs);
                let cb = st.th.cursors.len() as u32;
                let mut fr = CallFrame {
                    func_fn: FrameFn::Native(nf),
                    func,
                    base: func + 1,
                    nvarargs: nargs,
                    ret,
                    pc: 0,
                    cursor_base: cb,
                    flags,
                };
                match nf.kind {
                    NativeKind::Plain => {
                        st.th.frames.push(fr);
                        let n = (nf.f)(
                            st,
                            Args {
                                base: func + 1,
                                n: nargs,
                            },
                        )?;
                        let fr = st.th.frames.pop().expect("native frame");
                        let first = st.th.stack.len() - n;
                        let top = post_call(st, &fr, first, n);
                        return Ok(Called::Done(top));
                    }
                    NativeKind::PCall => {
                        st.th.frames.push(fr);
                        if nargs == 0 {
                            return Err(st.arg_error(1, "value expected"));
                        }
                        fr.flags |= FRAME_PROTECTED;
                        *st.th.frames.last_mut().expect("frame") = fr;
                        count_c_call(st)?;
                        return match precall(
                            st,
                            func + 1,
                            nargs - 1,
                            Ret::Normal { want: -1 },
                            0,
                            VarInfo::None,
                        )? {
                            Called::Lua => Ok(Called::Lua),
                            Called::Done(top) => Ok(Called::Done(finish_protected(st, top))),
                        };
                    }
                    NativeKind::XPCall => {
                        st.th.frames.push(fr);
                        if nargs < 2 || !st.th.stack[func + 2].is_function() {
                            let a = Args {
                                base: func + 1,
                                n: nargs,
                            };
                            return Err(st.type_arg_error(a, 2, "function"));
                        }
                        fr.flags |= FRAME_PROTECTED | FRAME_XPCALL;
                        *st.th.frames.last_mut().expect("frame") = fr;
                        count_c_call(st)?;
                        st.th.stack.swap(func + 1, func + 2);
                        return match precall(
                            st,
                            func + 2,
                            nargs - 2,
                            Ret::Normal { want: -1 },
                            0,
                            VarInfo::None,
                        )? {
                            Called::Lua => Ok(Called::Lua),
                            Called::Done(top) => Ok(Called::Done(finish_protected(st, top))),
                        };
                    }
                }
            }
            _ => {
                let h = st.get_tm(f, Tm::Call);
                if h.is_nil() || tries >= lua_runtime::ops::MAX_TAG_LOOP {
                    let info = if tries == 0 { info } else { VarInfo::None };
                    return Err(st.call_error(f, info));
                }
                tries += 1;
                st.th.stack.insert(func, h);
                nargs += 1;
            }
        }
    }
}

/// A pcall/xpcall level counts against the C-call limit as in lua5.4
/// (the error, "C stack overflow", is caught by that very pcall).
fn count_c_call(st: &mut State) -> LuaResult<()> {
    st.enter_c_call()?;
    if let Some(f) = st.th.frames.last_mut() {
        f.flags |= FRAME_CCALL;
    }
    Ok(())
}

/// Release the C-call levels of frames about to be removed.
fn release_c_calls(st: &mut State, from: usize) {
    let n = st.th.frames[from..]
        .iter()
        .filter(|f| f.flags & FRAME_CCALL != 0)
        .count() as u32;
    st.c_calls -= n;
}

/// After a call returned into a protected (pcall/xpcall) frame: complete
/// that frame with `true` and the results, and any further protected
/// frames that thereby complete. Returns the new top.
fn finish_protected(st: &mut State, mut top: usize) -> usize {
    while let Some(pf) = st.th.frames.last().copied() {
        if pf.flags & FRAME_PROTECTED == 0 || matches!(pf.func_fn, FrameFn::Lua(_)) {
            break;
        }
        let slot = if pf.flags & FRAME_XPCALL != 0 {
            pf.func + 1
        } else {
            pf.func
        };
        st.th.stack[slot] = Value::Bool(true);
        let n = top - slot;
        if pf.flags & FRAME_CCALL != 0 {
            st.c_calls -= 1;
        }
        st.th.frames.pop();
        st.th.cursors.truncate(pf.cursor_base as usize);
        top = post_call(st, &pf, slot, n);
        if matches!(pf.ret, Ret::Host { .. }) {
            break;
        }
    }
    top
}

/// Close upvalues and call pending `__close` handlers down to `level`.
fn close_all(st: &mut State, level: usize, err: Option<Value>) -> LuaResult<()> {
    st.th.close_upvals(level);
    while let Some(&slot) = st.th.tbc.last() {
        if slot < level {
            break;
        }
        st.th.tbc.pop();
        let v = st.th.stack[slot];
        let h = st.get_tm(v, Tm::Close);
        if !h.is_nil() {
            st.call(h, &[v, err.unwrap_or(Value::Nil)])?;
        }
    }
    Ok(())
}

/// Run the call at `func` to completion (the `Executor::call` contract).
fn execute(st: &mut State, func: usize, nresults: i32, flags: u8) -> LuaResult<()> {
    let boundary = st.th.frames.len();
    let cursor_mark = st.th.cursors.len();
    let nargs = st.th.stack.len() - func - 1;
    let ret = Ret::Host { want: nresults };
    let mut top = 0usize;
    let first = precall(st, func, nargs, ret, flags & FRAME_TRACEBACK, VarInfo::None);
    let mut pending: Option<LuaError> = match first {
        Ok(Called::Done(_)) => return Ok(()),
        Ok(Called::Lua) => None,
        Err(e) => Some(e),
    };
    loop {
        if let Some(e) = pending.take() {
            match handle_error(st, e, boundary, cursor_mark, func, flags) {
                Ok(Some(t)) => top = t,
                Ok(None) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        if st.th.frames.len() <= boundary {
            return Ok(());
        }
        if let Err(e) = run_frame(st, &mut top) {
            pending = Some(e);
        }
    }
}

/// Unwind to the nearest protected frame above `boundary`. `Ok(Some(top))`:
/// caught, continue the loop; `Ok(None)`: caught by a frame that returns to
/// the host; `Err`: not caught here.
fn handle_error(
    st: &mut State,
    e: LuaError,
    boundary: usize,
    cursor_mark: usize,
    func: usize,
    flags: u8,
) -> LuaResult<Option<usize>> {
    let mut e = e;
    loop {
        let found = (boundary..st.th.frames.len())
            .rev()
            .find(|&i| st.th.frames[i].flags & FRAME_PROTECTED != 0);
        match found {
            Some(i) => {
                let pf = st.th.frames[i];
                let mut ev = e.value;
                if pf.flags & FRAME_XPCALL != 0 {
                    let h = st.th.stack[pf.func + 1];
                    ev = lua_runtime::lib_base::call_handler(st, h, ev);
                }
                if let Err(e2) = close_all(st, pf.func + 1, Some(ev)) {
                    e = e2;
                    continue;
                }
                release_c_calls(st, i);
                st.th.frames.truncate(i);
                st.th.cursors.truncate(pf.cursor_base as usize);
                st.th.stack.truncate(pf.func);
                st.th.stack.push(Value::Bool(false));
                st.th.stack.push(ev);
                let top = post_call(st, &pf, pf.func, 2);
                if matches!(pf.ret, Ret::Host { .. }) {
                    return Ok(None);
                }
                return Ok(Some(finish_protected(st, top)));
            }
            None => {
                if flags & FRAME_TRACEBACK != 0 && e.traceback.is_none() {
                    e.traceback = Some(st.traceback(None, 0));
                }
                if let Err(e2) = close_all(st, func, Some(e.value)) {
                    e = e2;
                }
                release_c_calls(st, boundary);
                st.th.frames.truncate(boundary);
                st.th.cursors.truncate(cursor_mark);
                st.th.stack.truncate(func);
                return Err(e);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The walk

#[inline]
fn arith_op(op: &Op) -> ArithOp {
    use ArithOp::*;
    match op {
        Op::Add { .. } | Op::AddK { .. } | Op::AddI { .. } => Add,
        Op::Sub { .. } | Op::SubK { .. } | Op::SubI { .. } => Sub,
        Op::Mul { .. } | Op::MulK { .. } => Mul,
        Op::Mod { .. } | Op::ModK { .. } => Mod,
        Op::Pow { .. } | Op::PowK { .. } => Pow,
        Op::Div { .. } | Op::DivK { .. } => Div,
        Op::IDiv { .. } | Op::IDivK { .. } => IDiv,
        Op::BAnd { .. } | Op::BAndK { .. } => BAnd,
        Op::BOr { .. } | Op::BOrK { .. } => BOr,
        Op::BXor { .. } | Op::BXorK { .. } => BXor,
        Op::Shl { .. } | Op::ShlI { .. } => Shl,
        Op::Shr { .. } | Op::ShrI { .. } => Shr,
        Op::Unm { .. } => Unm,
        _ => BNot,
    }
}

#[inline]
fn fast_arith(op: ArithOp, a: Value, b: Value) -> Option<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => match op {
            ArithOp::Add => Some(Value::Int(x.wrapping_add(y))),
            ArithOp::Sub => Some(Value::Int(x.wrapping_sub(y))),
            ArithOp::Mul => Some(Value::Int(x.wrapping_mul(y))),
            _ => None,
        },
        (Value::Float(x), Value::Float(y)) => match op {
            ArithOp::Add => Some(Value::Float(x + y)),
            ArithOp::Sub => Some(Value::Float(x - y)),
            ArithOp::Mul => Some(Value::Float(x * y)),
            ArithOp::Div => Some(Value::Float(x / y)),
            _ => None,
        },
        _ => None,
    }
}

fn eval_test(st: &mut State, base: usize, k: &[Value], t: &Test) -> LuaResult<bool> {
    let r = |st: &State, x: u8| st.th.stack[base + x as usize];
    Ok(match *t {
        Test::Truthy(a) => r(st, a).truthy(),
        Test::Eq(a, b) => {
            let (x, y) = (r(st, a), r(st, b));
            x.raw_eq(&y) || st.equals(x, y)?
        }
        Test::Lt(a, b) => {
            let (x, y) = (r(st, a), r(st, b));
            match (x, y) {
                (Value::Int(i), Value::Int(j)) => i < j,
                _ => st.less_than(x, y)?,
            }
        }
        Test::Le(a, b) => {
            let (x, y) = (r(st, a), r(st, b));
            match (x, y) {
                (Value::Int(i), Value::Int(j)) => i <= j,
                _ => st.less_equal(x, y)?,
            }
        }
        Test::EqK(a, kk) => r(st, a).raw_eq(&k[kk as usize]),
        Test::EqI(a, i) => r(st, a).raw_eq(&Value::Int(i as i64)),
        Test::LtI(a, i) => match r(st, a) {
            Value::Int(x) => x < i as i64,
            x => st.less_than(x, Value::Int(i as i64))?,
        },
        Test::LeI(a, i) => match r(st, a) {
            Value::Int(x) => x <= i as i64,
            x => st.less_equal(x, Value::Int(i as i64))?,
        },
        Test::GtI(a, i) => match r(st, a) {
            Value::Int(x) => x > i as i64,
            x => st.less_than(Value::Int(i as i64), x)?,
        },
        Test::GeI(a, i) => match r(st, a) {
            Value::Int(x) => x >= i as i64,
            x => st.less_equal(Value::Int(i as i64), x)?,
        },
    })
}

fn for_error(st: &mut State, what: &str, v: Value) -> LuaError {
    let t = st.obj_typename(v);
    st.rt_error(format!("bad 'for' {} (number expected, got {})", what, t))
}

/// `forprep`: returns whether the loop runs.
fn for_prep(st: &mut State, ra: usize) -> LuaResult<bool> {
    let init = st.th.stack[ra];
    let limit = st.th.stack[ra + 1];
    let step = st.th.stack[ra + 2];
    if let (Value::Int(i0), Value::Int(s)) = (init, step) {
        if s == 0 {
            return Err(st.rt_error("'for' step is zero"));
        }
        st.th.stack[ra + 3] = Value::Int(i0);
        // forlimit
        let lim: i64 = match limit {
            Value::Int(l) => l,
            _ => {
                let fl = match lua_runtime::ops::to_number(limit) {
                    Some(Value::Float(f)) => f,
                    Some(Value::Int(l)) => l as f64,
                    _ => return Err(for_error(st, "limit", limit)),
                };
                let conv = if s < 0 { fl.ceil() } else { fl.floor() };
                match lua_runtime::number::float_to_int_exact(conv) {
                    Some(l) => l,
                    None => {
                        if fl.is_nan() {
                            return Ok(false);
                        }
                        if fl > 0.0 {
                            if s < 0 {
                                return Ok(false);
                            }
                            i64::MAX
                        } else {
                            if s > 0 {
                                return Ok(false);
                            }
                            i64::MIN
                        }
                    }
                }
            }
        };
        if if s > 0 { i0 > lim } else { i0 < lim } {
            return Ok(false);
        }
        let count: u64 = if s > 0 {
            let c = (lim as u64).wrapping_sub(i0 as u64);
            if s != 1 { c / s as u64 } else { c }
        } else {
            let c = (i0 as u64).wrapping_sub(lim as u64);
            c / ((-(s + 1)) as u64 + 1)
        };
        st.th.stack[ra + 1] = Value::Int(count as i64);
        return Ok(true);
    }
    let tof = |v: Value| match lua_runtime::ops::to_number(v) {
        Some(Value::Float(f)) => Some(f),
        Some(Value::Int(i)) => Some(i as f64),
        _ => None,
    };
    let Some(fl) = tof(limit) else {
        return Err(for_error(st, "limit", limit));
    };
    let Some(fs) = tof(step) else {
        return Err(for_error(st, "step", step));
    };
    let Some(fi) = tof(init) else {
        return Err(for_error(st, "initial value", init));
    };
    if fs == 0.0 {
        return Err(st.rt_error("'for' step is zero"));
    }
    if if fs > 0.0 { fl < fi } else { fi < fl } {
        return Ok(false);
    }
    st.th.stack[ra] = Value::Float(fi);
    st.th.stack[ra + 1] = Value::Float(fl);
    st.th.stack[ra + 2] = Value::Float(fs);
    st.th.stack[ra + 3] = Value::Float(fi);
    Ok(true)
}

/// `forloop`: returns whether to run the body again.
#[inline]
fn for_loop(st: &mut State, ra: usize) -> bool {
    let s = &mut st.th.stack;
    match (s[ra], s[ra + 1], s[ra + 2]) {
        (Value::Int(i), Value::Int(count), Value::Int(step)) if count != 0 => {
            let ni = i.wrapping_add(step);
            s[ra + 1] = Value::Int(((count as u64) - 1) as i64);
            s[ra] = Value::Int(ni);
            s[ra + 3] = Value::Int(ni);
            true
        }
        (Value::Float(i), Value::Float(l), Value::Float(step)) => {
            let ni = i + step;
            let go = if step > 0.0 { ni <= l } else { l <= ni };
            if go {
                s[ra] = Value::Float(ni);
                s[ra + 3] = Value::Float(ni);
            }
            go
        }
        _ => false,
    }
}

/// Return from the running Lua frame with `n` results at `first`.
fn do_return(st: &mut State, first: usize, n: usize, top: &mut usize) -> LuaResult<()> {
    let fr = *st.th.frames.last().expect("frame");
    if let FrameFn::Lua(c) = fr.func_fn
        && c.p.proto.needs_close
    {
        // Results must survive `__close` handlers: they are above `base`
        // only if first >= base; closing happens before moving them.
        close_all(st, fr.base, None)?;
    }
    st.th.frames.pop();
    st.th.cursors.truncate(fr.cursor_base as usize);
    let t = post_call(st, &fr, first, n);
    *top = if matches!(fr.ret, Ret::Normal { .. }) {
        finish_protected(st, t)
    } else {
        t
    };
    Ok(())
}

/// Run the Lua frame on top until it calls a Lua function, returns, or
/// raises an error.
fn run_frame(st: &mut State, top: &mut usize) -> LuaResult<()> {
    let fi = st.th.frames.len() - 1;
    let fr = st.th.frames[fi];
    let FrameFn::Lua(cl) = fr.func_fn else {
        // Only Lua frames are left running on top of the loop.
        return Err(st.rt_error("internal error: native frame on top"));
    };
    let fp: Rc<FnProto> = frame_closure_proto(&fr).expect("lua frame");
    let proto: &Proto = &fp.proto;
    let k: &[Value] = &fp.consts;
    let base = fr.base;
    let cb = fr.cursor_base as usize;

    macro_rules! reg {
        ($r:expr) => {
            st.th.stack[base + $r as usize]
        };
    }
    macro_rules! rk {
        ($v:expr) => {
            match $v {
                RK::R(r) => st.th.stack[base + r as usize],
                RK::K(i) => k[i as usize],
            }
        };
    }

    // Blocks of the cursor stack, cached: `cache[i]` is the block of
    // cursor `cb + i` for `i < valid`. Pushing a cursor keeps the prefix;
    // changing a cursor's `sub` or popping invalidates from there.
    const CACHE: usize = 12;
    let mut cache: [&[Node]; CACHE] = [EMPTY; CACHE];
    let mut valid = 0usize;

    'blocks: loop {
        let d = st.th.cursors.len() - cb;
        let block: &[Node] = if d <= CACHE {
            while valid < d {
                let i = valid;
                cache[i] = if i == 0 {
                    &proto.code.nodes
                } else {
                    match cache[i - 1].get(st.th.cursors[cb + i - 1].b as usize) {
                        Some(n) => sub_block(n, st.th.cursors[cb + i].a),
                        None => EMPTY,
                    }
                };
                valid += 1;
            }
            cache[d - 1]
        } else {
            resolve(proto, &st.th.cursors[cb..])
        };
        let ci = st.th.cursors.len() - 1;
        let mut pos = st.th.cursors[ci].b as usize;
        while pos < block.len() {
            match &block[pos] {
                Node::Op { op, pc } => {
                    st.th.frames[fi].pc = *pc;
                    match *op {
                        Op::Move { dst, src } => reg!(dst) = reg!(src),
                        Op::LoadI { dst, value } => reg!(dst) = Value::Int(value as i64),
                        Op::LoadF { dst, value } => reg!(dst) = Value::Float(value as f64),
                        Op::LoadK { dst, k: kk } => reg!(dst) = k[kk as usize],
                        Op::LoadFalse { dst } => reg!(dst) = Value::Bool(false),
                        Op::LoadTrue { dst } => reg!(dst) = Value::Bool(true),
                        Op::LoadNil { dst, n } => {
                            for i in 0..n as usize {
                                reg!(dst as usize + i) = Value::Nil;
                            }
                        }
                        Op::GetUpval { dst, up } => {
                            reg!(dst) = st.upval_get(cl.upvals[up as usize]);
                        }
                        Op::SetUpval { up, src } => {
                            let v = reg!(src);
                            st.upval_set(cl.upvals[up as usize], v);
                        }
                        Op::GetTabUp { dst, up, key } => {
                            let t = st.upval_get(cl.upvals[up as usize]);
                            let key = k[key as usize];
                            let v = match t {
                                Value::Table(tab) => {
                                    let v = tab.get_str(key);
                                    if v.is_nil() && tab.metatable().is_some() {
                                        st.index(t, key, VarInfo::Upval(up))?
                                    } else {
                                        v
                                    }
                                }
                                _ => st.index(t, key, VarInfo::Upval(up))?,
                            };
                            reg!(dst) = v;
                        }
                        Op::GetTable { dst, obj, key } => {
                            let (t, key) = (reg!(obj), reg!(key));
                            let v = get_fast(st, t, key, VarInfo::Reg(obj))?;
                            reg!(dst) = v;
                        }
                        Op::GetI { dst, obj, index } => {
                            let t = reg!(obj);
                            let v = get_fast(st, t, Value::Int(index as i64), VarInfo::Reg(obj))?;
                            reg!(dst) = v;
                        }
                        Op::GetField { dst, obj, key } => {
                            let t = reg!(obj);
                            let v = get_fast(st, t, k[key as usize], VarInfo::Reg(obj))?;
                            reg!(dst) = v;
                        }
                        Op::SetTabUp { up, key, val } => {
                            let t = st.upval_get(cl.upvals[up as usize]);
                            let v = rk!(val);
                            set_fast(st, t, k[key as usize], v, VarInfo::Upval(up))?;
                        }
                        Op::SetTable { obj, key, val } => {
                            let (t, kv, v) = (reg!(obj), reg!(key), rk!(val));
                            set_fast(st, t, kv, v, VarInfo::Reg(obj))?;
                        }
                        Op::SetI { obj, index, val } => {
                            let (t, v) = (reg!(obj), rk!(val));
                            set_fast(st, t, Value::Int(index as i64), v, VarInfo::Reg(obj))?;
                        }
                        Op::SetField { obj, key, val } => {
                            let (t, v) = (reg!(obj), rk!(val));
                            set_fast(st, t, k[key as usize], v, VarInfo::Reg(obj))?;
                        }
                        Op::NewTable { dst, array, hash } => {
                            let t = st.new_table_with(array as usize, hash as usize);
                            reg!(dst) = Value::Table(t);
                            st.gc_check();
                        }
                        Op::Method { dst, obj, key } => {
                            let t = reg!(obj);
                            let v = get_fast(st, t, k[key as usize], VarInfo::Reg(obj))?;
                            reg!(dst as usize + 1) = t;
                            reg!(dst) = v;
                        }
                        Op::Add { dst, a, b }
                        | Op::Sub { dst, a, b }
                        | Op::Mul { dst, a, b }
                        | Op::Mod { dst, a, b }
                        | Op::Pow { dst, a, b }
                        | Op::Div { dst, a, b }
                        | Op::IDiv { dst, a, b }
                        | Op::BAnd { dst, a, b }
                        | Op::BOr { dst, a, b }
                        | Op::BXor { dst, a, b }
                        | Op::Shl { dst, a, b }
                        | Op::Shr { dst, a, b } => {
                            let aop = arith_op(op);
                            let (x, y) = (reg!(a), reg!(b));
                            let v = match fast_arith(aop, x, y) {
                                Some(v) => v,
                                None => st.arith(aop, x, y, VarInfo::Reg(a), VarInfo::Reg(b))?,
                            };
                            reg!(dst) = v;
                        }
                        Op::AddK { dst, a, k: kk }
                        | Op::SubK { dst, a, k: kk }
                        | Op::MulK { dst, a, k: kk }
                        | Op::ModK { dst, a, k: kk }
                        | Op::PowK { dst, a, k: kk }
                        | Op::DivK { dst, a, k: kk }
                        | Op::IDivK { dst, a, k: kk }
                        | Op::BAndK { dst, a, k: kk }
                        | Op::BOrK { dst, a, k: kk }
                        | Op::BXorK { dst, a, k: kk } => {
                            let aop = arith_op(op);
                            let (x, y) = (reg!(a), k[kk as usize]);
                            let v = match fast_arith(aop, x, y) {
                                Some(v) => v,
                                None => st.arith(aop, x, y, VarInfo::Reg(a), VarInfo::None)?,
                            };
                            reg!(dst) = v;
                        }
                        Op::AddI { dst, a, imm }
                        | Op::SubI { dst, a, imm }
                        | Op::ShlI { dst, a, imm }
                        | Op::ShrI { dst, a, imm } => {
                            let aop = arith_op(op);
                            let (x, y) = (reg!(a), Value::Int(imm as i64));
                            let v = match fast_arith(aop, x, y) {
                                Some(v) => v,
                                None => st.arith(aop, x, y, VarInfo::Reg(a), VarInfo::None)?,
                            };
                            reg!(dst) = v;
                        }
                        Op::Unm { dst, src } | Op::BNot { dst, src } => {
                            let aop = arith_op(op);
                            let x = reg!(src);
                            let v = match (aop, x) {
                                (ArithOp::Unm, Value::Int(i)) => Value::Int(i.wrapping_neg()),
                                (ArithOp::Unm, Value::Float(f)) => Value::Float(-f),
                                _ => st.arith(aop, x, x, VarInfo::Reg(src), VarInfo::Reg(src))?,
                            };
                            reg!(dst) = v;
                        }
                        Op::Not { dst, src } => reg!(dst) = Value::Bool(!reg!(src).truthy()),
                        Op::Len { dst, src } => {
                            let x = reg!(src);
                            let v = match x {
                                Value::Str(s) => Value::Int(s.len() as i64),
                                Value::Table(t) if t.metatable().is_none() => Value::Int(t.len()),
                                _ => st.len(x, VarInfo::Reg(src))?,
                            };
                            reg!(dst) = v;
                        }
                        Op::Concat { first, n } => {
                            let v = st.concat(base + first as usize, n as usize, first)?;
                            reg!(first) = v;
                            st.gc_check();
                        }
                        Op::Close { from } => {
                            close_all(st, base + from as usize, None)?;
                        }
                        Op::Tbc { reg } => {
                            let v = reg!(reg);
                            if v.truthy() {
                                if st.get_tm(v, Tm::Close).is_nil() {
                                    let name = proto
                                        .debug
                                        .local_name(reg, *pc + 1)
                                        .or_else(|| proto.debug.local_name(reg, *pc))
                                        .unwrap_or("?")
                                        .to_string();
                                    return Err(st.rt_error(format!(
                                        "variable '{}' got a non-closable value",
                                        name
                                    )));
                                }
                                st.th.tbc.push(base + reg as usize);
                            }
                        }
                        Op::Call {
                            func,
                            nargs,
                            nresults,
                        } => {
                            let fa = base + func as usize;
                            let na = if nargs == MULTRET {
                                *top - fa - 1
                            } else {
                                nargs as usize
                            };
                            let want = if nresults == MULTRET {
                                -1
                            } else {
                                nresults as i32
                            };
                            st.th.cursors[ci].b = (pos + 1) as u32;
                            match precall(st, fa, na, Ret::Normal { want }, 0, VarInfo::Reg(func))?
                            {
                                Called::Lua => return Ok(()),
                                Called::Done(t) => *top = t,
                            }
                        }
                        Op::TailCall { func, nargs } => {
                            let fa = base + func as usize;
                            let na = if nargs == MULTRET {
                                *top - fa - 1
                            } else {
                                nargs as usize
                            };
                            let callee = st.th.stack[fa];
                            if !callee.is_function() && st.get_tm(callee, Tm::Call).is_nil() {
                                return Err(st.call_error(callee, VarInfo::Reg(func)));
                            }
                            if let Value::Native(nf) = callee
                                && nf.kind == NativeKind::Plain
                            {
                                // PUC runs a C function in tail position
                                // above the caller's frame (tracebacks show
                                // the caller); then the caller returns.
                                match precall(
                                    st,
                                    fa,
                                    na,
                                    Ret::Normal { want: -1 },
                                    0,
                                    VarInfo::Reg(func),
                                )? {
                                    Called::Done(t) => {
                                        return do_return(st, fa, t - fa, top);
                                    }
                                    Called::Lua => {
                                        return Err(st.rt_error("internal error: native tail call"));
                                    }
                                }
                            }
                            if proto.needs_close {
                                close_all(st, base, None)?;
                            }
                            let cur_fr = st.th.frames.pop().expect("frame");
                            st.th.cursors.truncate(cur_fr.cursor_base as usize);
                            let dst = cur_fr.func;
                            for i in 0..=na {
                                st.th.stack[dst + i] = st.th.stack[fa + i];
                            }
                            st.th.stack.truncate(dst + 1 + na);
                            match precall(st, dst, na, cur_fr.ret, FRAME_TAIL, VarInfo::None)? {
                                Called::Lua => return Ok(()),
                                Called::Done(t) => {
                                    *top = if matches!(cur_fr.ret, Ret::Normal { .. }) {
                                        finish_protected(st, t)
                                    } else {
                                        t
                                    };
                                    return Ok(());
                                }
                            }
                        }
                        Op::Return { first, n } => {
                            let f = base + first as usize;
                            let n = if n == MULTRET { *top - f } else { n as usize };
                            return do_return(st, f, n, top);
                        }
                        Op::Return0 => return do_return(st, base, 0, top),
                        Op::Return1 { src } => {
                            return do_return(st, base + src as usize, 1, top);
                        }
                        Op::Vararg { dst, n } => {
                            let nv = fr.nvarargs;
                            let from = fr.func + 1 + proto.num_params as usize;
                            let d = base + dst as usize;
                            let cnt = if n == MULTRET { nv } else { n as usize };
                            if st.th.stack.len() < d + cnt {
                                st.th.stack.resize(d + cnt, Value::Nil);
                            }
                            for i in 0..cnt {
                                st.th.stack[d + i] = if i < nv {
                                    st.th.stack[from + i]
                                } else {
                                    Value::Nil
                                };
                            }
                            if n == MULTRET {
                                *top = d + cnt;
                            }
                        }
                        Op::Closure { dst, proto: pi } => {
                            let child = fp.children[pi as usize].clone();
                            let mut ups = Vec::with_capacity(child.proto.upvalues.len());
                            for d in child.proto.upvalues.iter() {
                                if d.in_stack {
                                    ups.push(st.find_upval(base + d.index as usize));
                                } else {
                                    ups.push(cl.upvals[d.index as usize]);
                                }
                            }
                            let c = st.new_closure(child, ups.into_boxed_slice());
                            reg!(dst) = Value::LuaFn(c);
                            st.gc_check();
                        }
                        Op::SetList { table, n, offset } => {
                            let ta = base + table as usize;
                            let cnt = if n == MULTRET {
                                *top - ta - 1
                            } else {
                                n as usize
                            };
                            if let Value::Table(t) = st.th.stack[ta] {
                                for i in 1..=cnt {
                                    let v = st.th.stack[ta + i];
                                    st.raw_set_int(t, offset as i64 + i as i64, v);
                                }
                            }
                            let ext = base + proto.max_registers as usize;
                            if st.th.stack.len() > ext {
                                st.th.stack.truncate(ext);
                            }
                        }
                        Op::Jmp { .. }
                        | Op::JumpIf { .. }
                        | Op::JumpIfNot { .. }
                        | Op::ForPrep { .. }
                        | Op::ForLoop { .. }
                        | Op::TForPrep { .. }
                        | Op::TForCall { .. }
                        | Op::TForLoop { .. } => {
                            return Err(st.rt_error("flat-only instruction in structured code"));
                        }
                    }
                }
                Node::If(b) => {
                    let _ = b;
                    st.th.cursors[ci].b = pos as u32;
                    st.th.cursors.push(cur(2, 0));
                    continue 'blocks;
                }
                Node::While(_) => {
                    st.th.cursors[ci].b = pos as u32;
                    st.th.cursors.push(cur(2, 0));
                    continue 'blocks;
                }
                Node::Repeat(_) | Node::Loop(_) => {
                    st.th.cursors[ci].b = pos as u32;
                    st.th.cursors.push(cur(0, 0));
                    continue 'blocks;
                }
                Node::NumericFor(f) => {
                    st.th.frames[fi].pc = f.prep_pc;
                    if for_prep(st, base + f.base as usize)? {
                        st.th.cursors[ci].b = pos as u32;
                        st.th.cursors.push(cur(0, 0));
                        continue 'blocks;
                    }
                }
                Node::GenericFor(f) => {
                    st.th.frames[fi].pc = f.prep_pc;
                    let ra = base + f.base as usize;
                    let closing = st.th.stack[ra + 3];
                    if closing.truthy() {
                        if st.get_tm(closing, Tm::Close).is_nil() {
                            return Err(
                                st.rt_error("variable '(for state)' got a non-closable value")
                            );
                        }
                        st.th.tbc.push(ra + 3);
                    }
                    st.th.cursors[ci].b = pos as u32;
                    // Start at the end of the body: the block-end step calls
                    // the iterator.
                    st.th.cursors.push(cur(0, f.body.nodes.len() as u32));
                    continue 'blocks;
                }
                Node::Break { levels, .. } => {
                    let n = st.th.cursors.len() - *levels as usize;
                    st.th.cursors.truncate(n);
                    valid = valid.min(n - cb);
                    st.th.cursors[n - 1].b += 1;
                    continue 'blocks;
                }
                Node::Goto { levels, target, .. } => {
                    let n = st.th.cursors.len() - *levels as usize;
                    st.th.cursors.truncate(n);
                    valid = valid.min(n - cb);
                    st.th.cursors[n - 1].b = *target;
                    continue 'blocks;
                }
            }
            pos += 1;
        }

        // End of the current block.
        let depth = st.th.cursors.len() - cb;
        if depth == 1 {
            return do_return(st, base, 0, top);
        }
        let e = st.th.cursors[ci];
        let parent = if d <= CACHE {
            cache[d - 2]
        } else {
            resolve(proto, &st.th.cursors[cb..ci])
        };
        let ppos = st.th.cursors[ci - 1].b as usize;
        let Some(node) = parent.get(ppos) else {
            return Err(st.rt_error("internal error: bad cursor"));
        };
        // Leave this control node: continue after it in the parent block.
        macro_rules! leave {
            () => {{
                st.th.cursors.pop();
                valid = valid.min(d - 1);
                st.th.cursors[ci - 1].b += 1;
                continue 'blocks;
            }};
        }
        macro_rules! goto_sub {
            ($s:expr) => {{
                st.th.cursors[ci] = cur($s, 0);
                valid = valid.min(d - 1);
                continue 'blocks;
            }};
        }
        match node {
            Node::If(b) => {
                if e.a < 2 {
                    leave!();
                }
                match cond_step(st, base, k, fi, &b.cond, e.a - 2)? {
                    CondNext::Leaf(j) => goto_sub!(2 + j as u32),
                    CondNext::Done(true) => goto_sub!(0),
                    CondNext::Done(false) => goto_sub!(1),
                }
            }
            Node::While(b) => {
                if e.a == 0 {
                    goto_sub!(2);
                }
                match cond_step(st, base, k, fi, &b.cond, e.a - 2)? {
                    CondNext::Leaf(j) => goto_sub!(2 + j as u32),
                    CondNext::Done(true) => goto_sub!(0),
                    CondNext::Done(false) => leave!(),
                }
            }
            Node::Repeat(b) => {
                if e.a == 0 {
                    goto_sub!(2);
                }
                match cond_step(st, base, k, fi, &b.cond, e.a - 2)? {
                    CondNext::Leaf(j) => goto_sub!(2 + j as u32),
                    CondNext::Done(true) => leave!(),
                    CondNext::Done(false) => goto_sub!(0),
                }
            }
            Node::Loop(_) => goto_sub!(0),
            Node::NumericFor(f) => {
                st.th.frames[fi].pc = f.loop_pc;
                if for_loop(st, base + f.base as usize) {
                    goto_sub!(0);
                }
                leave!();
            }
            Node::GenericFor(f) => {
                let ra = base + f.base as usize;
                if e.a == ITER {
                    let v = st.th.stack[ra + 4];
                    if v.is_nil() {
                        leave!();
                    }
                    st.th.stack[ra + 2] = v;
                    goto_sub!(0);
                }
                // Call the iterator: R[ra+4..] := R[ra](R[ra+1], R[ra+2]).
                st.th.frames[fi].pc = f.call_pc;
                st.th.cursors[ci] = cur(ITER, 0);
                valid = valid.min(d - 1);
                if st.th.stack.len() < ra + 7 {
                    st.th.stack.resize(ra + 7, Value::Nil);
                }
                st.th.stack[ra + 4] = st.th.stack[ra];
                st.th.stack[ra + 5] = st.th.stack[ra + 1];
                st.th.stack[ra + 6] = st.th.stack[ra + 2];
                st.th.stack.truncate(ra + 7);
                let want = f.nvars as i32;
                match precall(st, ra + 4, 2, Ret::Normal { want }, 0, VarInfo::None)? {
                    Called::Lua => return Ok(()),
                    Called::Done(t) => {
                        *top = t;
                        continue 'blocks;
                    }
                }
            }
            _ => return Err(st.rt_error("internal error: bad block parent")),
        }
    }
}

/// Evaluate leaf `i` of condition `c` and say what comes next.
fn cond_step(
    st: &mut State,
    base: usize,
    k: &[Value],
    fi: usize,
    c: &Cond,
    i: u32,
) -> LuaResult<CondNext> {
    if let Cond::Leaf {
        test, negate, pc, ..
    } = c
    {
        st.th.frames[fi].pc = *pc;
        return Ok(CondNext::Done(eval_test(st, base, k, test)? != *negate));
    }
    let Cond::Leaf {
        test, negate, pc, ..
    } = leaf(c, i as usize)
    else {
        return Ok(CondNext::Done(false));
    };
    st.th.frames[fi].pc = *pc;
    let r = eval_test(st, base, k, test)? != *negate;
    Ok(cond_next(c, i as usize, r))
}

#[inline]
fn get_fast(st: &mut State, t: Value, key: Value, info: VarInfo) -> LuaResult<Value> {
    if let Value::Table(tab) = t {
        let v = tab.get(key);
        if !v.is_nil() || tab.metatable().is_none() {
            return Ok(v);
        }
    }
    st.index(t, key, info)
}

#[inline]
fn set_fast(st: &mut State, t: Value, key: Value, v: Value, info: VarInfo) -> LuaResult<()> {
    if let Value::Table(tab) = t
        && tab.metatable().is_none()
    {
        return st.raw_set(tab, key, v);
    }
    st.set_index(t, key, v, info)
}
