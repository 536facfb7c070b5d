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
//! Lua→Lua calls push a [`CallFrame`] on the
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
//! entered this loop) or leaves the loop. The call/return/unwind protocol
//! itself is lua-runtime's `interp` module, shared with the flat executor.
//!
//! An `__index`, `__newindex` or arithmetic metamethod written in Lua runs
//! as a frame too: the walk pushes it with the result slot just above the
//! caller's registers, marks the caller `FRAME_FINISH` and leaves the
//! cursor on the interrupted instruction; when the caller resumes, the
//! result completes that instruction. Such frames count against the C-call
//! limit, as PUC's `luaT_callTMres` calls do. Other metamethods (order,
//! `__eq`, `__concat`, `__len`, `__close`) run through `State::call`.
//!
//! Coroutines: `Executor::resume` continues a coroutine's frames after
//! `coroutine.resume` swapped its stacks in; a `coroutine.yield` stops the
//! loop with its native frame on top, which the next resume completes.
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
use lua_runtime::interp::{
    self, Called, ResumeStart, TailCalled, arith_op, fast_arith, for_loop, for_prep, handle_error,
    precall, push_meta_frame, test_step,
};
use lua_runtime::object::FnProto;
use lua_runtime::ops::{ArithOp, Step, VarInfo};
use lua_runtime::thread::{CallFrame, Cursor, FRAME_FINISH, FRAME_TRACEBACK, FrameFn, Ret};
use lua_runtime::{Executor, Resumed, State, Value};

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

    fn resume(&self, st: &mut State, nargs: usize) -> LuaResult<Resumed> {
        resume(st, nargs)
    }
}

/// `sub` of a generic `for` cursor waiting for its iterator's results.
pub const ITER: u32 = u32::MAX;

const EMPTY: &[Node] = &[];

// ---------------------------------------------------------------------------
// Conditions

/// The `i`-th leaf (in order) of a condition.
fn leaf(c: &Cond, i: usize) -> &Cond {
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

/// Run the call at `func` to completion (the `Executor::call` contract).
fn execute(st: &mut State, func: usize, nresults: i32, flags: u8) -> LuaResult<()> {
    let boundary = st.th.frames.len();
    let cursor_mark = st.th.cursors.len();
    let nargs = st.th.stack.len() - func - 1;
    let ret = Ret::Host { want: nresults };
    let first = precall(st, func, nargs, ret, flags & FRAME_TRACEBACK, VarInfo::None);
    let pending: Option<LuaError> = match first {
        Ok(Called::Done(_)) => return Ok(()),
        Ok(Called::Lua) => None,
        Err(e) => Some(e),
    };
    run_loop(st, pending, 0, boundary, cursor_mark, func, flags)
}

/// Run frames above `boundary` until they return to it; errors go to the
/// nearest protected frame above it, or out.
fn run_loop(
    st: &mut State,
    mut pending: Option<LuaError>,
    mut top: usize,
    boundary: usize,
    cursor_mark: usize,
    func: usize,
    flags: u8,
) -> LuaResult<()> {
    loop {
        if let Some(e) = pending.take() {
            if st.yielding {
                // Only a coroutine's own loop sees this (yields elsewhere
                // are refused): stop with the frames as they are.
                return Err(e);
            }
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

/// `Executor::resume` for the tree walk.
fn resume(st: &mut State, nargs: usize) -> LuaResult<Resumed> {
    let (top, pending) = match interp::resume_start(st, nargs) {
        ResumeStart::Returned => return Ok(Resumed::Returned),
        ResumeStart::Run { top, pending, .. } => (top, pending),
    };
    match run_loop(st, pending, top, 0, 0, 0, 0) {
        Ok(()) => Ok(Resumed::Returned),
        Err(_) if st.yielding => Ok(Resumed::Yielded),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// The walk

fn frame_closure_proto(f: &CallFrame) -> Option<Rc<FnProto>> {
    match f.func_fn {
        FrameFn::Lua(c) => Some(c.p.clone()),
        FrameFn::Native(_) => None,
    }
}

/// Return from the running Lua frame with `n` results at `first`.
#[inline]
fn do_return(st: &mut State, first: usize, n: usize, top: &mut usize) -> LuaResult<()> {
    *top = interp::do_return(st, first, n)?;
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
    if st.th.cursors.len() == cb {
        // A frame that has just been pushed: its body is the first block.
        st.th.cursors.push(cur(0, 0));
    }
    let maxr = proto.max_registers as usize;
    let mut pending: Option<bool> = None;
    if fr.flags & FRAME_FINISH != 0 {
        // A metamethod frame returned: its result completes the
        // instruction the cursor still points at.
        st.th.frames[fi].flags &= !FRAME_FINISH;
        let v = st.th.stack[base + proto.max_registers as usize];
        let ci = st.th.cursors.len() - 1;
        let block = resolve(proto, &st.th.cursors[cb..]);
        match block.get(st.th.cursors[ci].b as usize) {
            Some(Node::Op { op, .. }) => {
                let mut op = *op;
                let dst = match op {
                    Op::Method { dst, .. } => Some(dst),
                    _ => op.dst_mut().map(|d| *d),
                };
                if let Some(d) = dst {
                    st.th.stack[base + d as usize] = v;
                }
                st.th.cursors[ci].b += 1;
            }
            // At the end of a condition's `pre` block: the comparison
            // metamethod decided the leaf.
            _ => pending = Some(v.truthy()),
        }
    }

    macro_rules! reg {
        ($r:expr) => {
            st.th.stack[base + $r as usize]
        };
    }
    // Take an operation's next step: its value, or a metamethod to run.
    // A Lua metamethod becomes a frame (the current instruction finishes
    // when it returns, see FRAME_FINISH); a native one is called here.
    macro_rules! step {
        ($step:expr, $pos:expr) => {
            match $step {
                Step::Done(v) => v,
                Step::Call(h, args, n) => {
                    if let Value::LuaFn(_) = h {
                        let ci = st.th.cursors.len() - 1;
                        st.th.cursors[ci].b = $pos as u32;
                        let scratch = base + proto.max_registers as usize;
                        push_meta_frame(st, fi, scratch, h, &args[..n])?;
                        return Ok(());
                    }
                    st.call1(h, &args[..n])?
                }
            }
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
    const CACHE: usize = 8;
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
                                        step!(st.index_step(t, key, VarInfo::Upval(up))?, pos)
                                    } else {
                                        v
                                    }
                                }
                                _ => step!(st.index_step(t, key, VarInfo::Upval(up))?, pos),
                            };
                            reg!(dst) = v;
                        }
                        Op::GetTable { dst, obj, key } => {
                            let (t, key) = (reg!(obj), reg!(key));
                            let v = step!(get_step(st, t, key, VarInfo::Reg(obj))?, pos);
                            reg!(dst) = v;
                        }
                        Op::GetI { dst, obj, index } => {
                            let t = reg!(obj);
                            let key = Value::Int(index as i64);
                            let v = step!(get_step(st, t, key, VarInfo::Reg(obj))?, pos);
                            reg!(dst) = v;
                        }
                        Op::GetField { dst, obj, key } => {
                            let t = reg!(obj);
                            let key = k[key as usize];
                            let v = step!(get_step(st, t, key, VarInfo::Reg(obj))?, pos);
                            reg!(dst) = v;
                        }
                        Op::SetTabUp { up, key, val } => {
                            let t = st.upval_get(cl.upvals[up as usize]);
                            let v = rk!(val);
                            step!(
                                set_step(st, t, k[key as usize], v, VarInfo::Upval(up))?,
                                pos
                            );
                        }
                        Op::SetTable { obj, key, val } => {
                            let (t, kv, v) = (reg!(obj), reg!(key), rk!(val));
                            step!(set_step(st, t, kv, v, VarInfo::Reg(obj))?, pos);
                        }
                        Op::SetI { obj, index, val } => {
                            let (t, v) = (reg!(obj), rk!(val));
                            let key = Value::Int(index as i64);
                            step!(set_step(st, t, key, v, VarInfo::Reg(obj))?, pos);
                        }
                        Op::SetField { obj, key, val } => {
                            let (t, v) = (reg!(obj), rk!(val));
                            step!(set_step(st, t, k[key as usize], v, VarInfo::Reg(obj))?, pos);
                        }
                        Op::NewTable { dst, array, hash } => {
                            let t = st.new_table_with(array as usize, hash as usize);
                            reg!(dst) = Value::Table(t);
                            st.gc_check();
                        }
                        Op::Method { dst, obj, key } => {
                            let t = reg!(obj);
                            reg!(dst as usize + 1) = t;
                            let key = k[key as usize];
                            let v = step!(get_step(st, t, key, VarInfo::Reg(obj))?, pos);
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
                                None => step!(
                                    st.arith_step(aop, x, y, VarInfo::Reg(a), VarInfo::Reg(b))?,
                                    pos
                                ),
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
                                None => step!(
                                    st.arith_step(aop, x, y, VarInfo::Reg(a), VarInfo::None)?,
                                    pos
                                ),
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
                                None => step!(
                                    st.arith_step(aop, x, y, VarInfo::Reg(a), VarInfo::None)?,
                                    pos
                                ),
                            };
                            reg!(dst) = v;
                        }
                        Op::Unm { dst, src } | Op::BNot { dst, src } => {
                            let aop = arith_op(op);
                            let x = reg!(src);
                            let v = match (aop, x) {
                                (ArithOp::Unm, Value::Int(i)) => Value::Int(i.wrapping_neg()),
                                (ArithOp::Unm, Value::Float(f)) => Value::Float(-f),
                                _ => step!(
                                    st.arith_step(aop, x, x, VarInfo::Reg(src), VarInfo::Reg(src))?,
                                    pos
                                ),
                            };
                            reg!(dst) = v;
                        }
                        Op::Not { dst, src } => reg!(dst) = Value::Bool(!reg!(src).truthy()),
                        Op::Len { dst, src } => {
                            let x = reg!(src);
                            let v = match x {
                                Value::Str(s) => Value::Int(s.len() as i64),
                                Value::Table(t) if t.metatable().is_none() => Value::Int(t.len()),
                                _ => step!(st.len_step(x, VarInfo::Reg(src))?, pos),
                            };
                            reg!(dst) = v;
                        }
                        Op::Concat { first, n } => {
                            let v = st.concat(base + first as usize, n as usize, first)?;
                            reg!(first) = v;
                            st.gc_check();
                        }
                        Op::Close { from } => {
                            interp::close_all(st, base + from as usize, None)?;
                        }
                        Op::Tbc { reg } => {
                            interp::mark_tbc(st, proto, base, reg, *pc)?;
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
                            if let TailCalled::Returned(t) = interp::tail_call(st, fa, na, func)? {
                                *top = t;
                            }
                            return Ok(());
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
                            if let Some(t) =
                                interp::vararg(st, &fr, proto.num_params as usize, dst, n)
                            {
                                *top = t;
                            }
                        }
                        Op::Closure { dst, proto: pi } => {
                            let c = interp::make_closure(st, cl, &fp.children[pi as usize], base);
                            reg!(dst) = Value::LuaFn(c);
                            st.gc_check();
                        }
                        Op::SetList { table, n, offset } => {
                            let maxr = proto.max_registers as usize;
                            interp::set_list(st, base, maxr, table, n, offset, *top);
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
                    interp::tfor_prep(st, base + f.base as usize)?;
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

        // End of the current block (recorded: a condition's metamethod may
        // suspend this frame here).
        st.th.cursors[ci].b = block.len() as u32;
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
                let s = $s;
                if st.th.cursors[ci].a != s {
                    valid = valid.min(d - 1);
                }
                st.th.cursors[ci] = cur(s, 0);
                continue 'blocks;
            }};
        }
        match node {
            Node::If(b) => {
                if e.a < 2 {
                    leave!();
                }
                let next = match cond_step(st, base, maxr, k, fi, &b.cond, e.a - 2, &mut pending)? {
                    None => return Ok(()),
                    Some(next) => next,
                };
                match next {
                    CondNext::Leaf(j) => goto_sub!(2 + j as u32),
                    CondNext::Done(true) => goto_sub!(0),
                    CondNext::Done(false) => goto_sub!(1),
                }
            }
            Node::While(b) => {
                if e.a == 0 {
                    goto_sub!(2);
                }
                let next = match cond_step(st, base, maxr, k, fi, &b.cond, e.a - 2, &mut pending)? {
                    None => return Ok(()),
                    Some(next) => next,
                };
                match next {
                    CondNext::Leaf(j) => goto_sub!(2 + j as u32),
                    CondNext::Done(true) => goto_sub!(0),
                    CondNext::Done(false) => leave!(),
                }
            }
            Node::Repeat(b) => {
                if e.a == 0 {
                    goto_sub!(2);
                }
                let next = match cond_step(st, base, maxr, k, fi, &b.cond, e.a - 2, &mut pending)? {
                    None => return Ok(()),
                    Some(next) => next,
                };
                match next {
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
                match precall(st, ra + 4, 2, Ret::Normal { want }, 0, VarInfo::ForIterator)? {
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

/// Evaluate leaf `i` of condition `c` and say what comes next; `None`:
/// a metamethod frame was pushed (the leaf's outcome arrives as `pending`
/// when this frame resumes).
#[allow(clippy::too_many_arguments)]
fn cond_step(
    st: &mut State,
    base: usize,
    maxr: usize,
    k: &[Value],
    fi: usize,
    c: &Cond,
    i: u32,
    pending: &mut Option<bool>,
) -> LuaResult<Option<CondNext>> {
    let Cond::Leaf {
        test, negate, pc, ..
    } = leaf(c, i as usize)
    else {
        return Ok(Some(CondNext::Done(false)));
    };
    st.th.frames[fi].pc = *pc;
    if pending.is_none()
        && let Some(r) = quick_test(st, base, test)
    {
        let outcome = r != *negate;
        return Ok(Some(if matches!(c, Cond::Leaf { .. }) {
            CondNext::Done(outcome)
        } else {
            cond_next(c, i as usize, outcome)
        }));
    }
    let outcome = match pending.take() {
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
    };
    Ok(Some(cond_next(c, i as usize, outcome != *negate)))
}

/// The common tests on integers and truthiness, without any call.
#[inline(always)]
fn quick_test(st: &State, base: usize, t: &Test) -> Option<bool> {
    let r = |x: u8| st.th.stack[base + x as usize];
    match *t {
        Test::Truthy(a) => Some(r(a).truthy()),
        Test::LtI(a, i) => match r(a) {
            Value::Int(x) => Some(x < i as i64),
            _ => None,
        },
        Test::LeI(a, i) => match r(a) {
            Value::Int(x) => Some(x <= i as i64),
            _ => None,
        },
        Test::GtI(a, i) => match r(a) {
            Value::Int(x) => Some(x > i as i64),
            _ => None,
        },
        Test::GeI(a, i) => match r(a) {
            Value::Int(x) => Some(x >= i as i64),
            _ => None,
        },
        Test::EqI(a, i) => match r(a) {
            Value::Int(x) => Some(x == i as i64),
            _ => None,
        },
        Test::Lt(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x < y),
            _ => None,
        },
        Test::Le(a, b) => match (r(a), r(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x <= y),
            _ => None,
        },
        _ => None,
    }
}

/// `t[key]`: the raw hit, or the next step of the full lookup.
#[inline]
fn get_step(st: &mut State, t: Value, key: Value, info: VarInfo) -> LuaResult<Step> {
    if let Value::Table(tab) = t {
        let v = tab.get(key);
        if !v.is_nil() || tab.metatable().is_none() {
            return Ok(Step::Done(v));
        }
    }
    st.index_step(t, key, info)
}

/// `t[key] = v`: the raw store, or the next step of the full assignment.
#[inline]
fn set_step(st: &mut State, t: Value, key: Value, v: Value, info: VarInfo) -> LuaResult<Step> {
    if let Value::Table(tab) = t
        && tab.metatable().is_none()
    {
        st.raw_set(tab, key, v)?;
        return Ok(Step::Done(Value::Nil));
    }
    st.set_index_step(t, key, v, info)
}
