//! Executor-agnostic pieces of running Lua code: calling a value
//! (`precall`), delivering results (`post_call`, `do_return`), proper tail
//! calls, protected frames (`pcall`/`xpcall`) and error unwinding to them,
//! closing upvalues and to-be-closed variables, the numeric `for` protocol,
//! comparison tests, arithmetic fast paths and the instructions whose
//! meaning does not depend on how code is walked (closure creation,
//! varargs, `SetList`, `Tbc`).
//!
//! An executor owns only its walk: the tree executor walks nested blocks
//! with cursors, the flat one a program counter. Everything here works on
//! the thread's heap frame stack ([`CallFrame`]s) and value stack, so both
//! walks share one definition of what a call, a return or an error does.
//!
//! # Frames and cursors
//!
//! [`precall`] pushes a frame for a Lua function with `cursor_base` set to
//! the current length of the executor-private cursor stack and pushes no
//! cursor itself: an executor that keeps cursors (the tree walker) pushes
//! the body cursor of a new frame when it starts running it (e.g. when
//! `cursors.len() == cursor_base`); the flat executor keeps none. Every
//! pop here truncates the cursor stack to the popped frame's
//! `cursor_base`, which is a no-op for an executor without cursors.
//!
//! # The run-loop contract
//!
//! An executor's `Executor::call` runs [`precall`] with [`Ret::Host`],
//! loops over the Lua frames above the frame count it started with, and
//! sends every error to [`handle_error`], which either resumes the loop in
//! a protected frame's caller or unwinds everything the call pushed.

use std::cell::Cell;
use std::rc::Rc;

use lua_bytecode::{MULTRET, Op, Proto, Test};

use crate::error::{LuaError, LuaResult};
use crate::gc::Gc;
use crate::object::{Args, FnProto, LuaClosure, NativeFunction, NativeKind};
use crate::state::{MAX_STACK, State};
use crate::value::Value;
use crate::vm::frame::{CallFrame, FrameFlags, FrameFn, NOT_STARTED, PendingCont, Ret};
use crate::vm::hook;
use crate::vm::meta::Tm;
use crate::vm::ops::{ArithOp, Concatenated, VarInfo};
use crate::vm::stack::Stack;

/// What [`precall`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Called {
    /// A Lua frame was pushed: run it.
    Lua,
    /// The call completed (a native); results delivered, new top.
    Done(usize),
}

/// Move `n` results from `first` to the frame's `func` slot and adjust them
/// to what the frame's `ret` wants; the frame has already been popped.
/// Returns the new top (end of the results). Afterwards the stack holds
/// at least the registers of the Lua frame now on top.
pub fn post_call(st: &mut State, fr: &CallFrame, first: usize, n: usize) -> usize {
    post_call_to(st, fr.func, fr.ret, first, n)
}

/// [`post_call`] given the popped frame's `func` and `ret` (callers that
/// have them at hand avoid re-reading the whole frame).
pub fn post_call_to(st: &mut State, func: usize, ret: Ret, first: usize, n: usize) -> usize {
    let keep = caller_keep(st, ret);
    move_results(st, func, ret.want(), first, n, keep)
}

/// How long the stack must stay when results are delivered to the frame
/// on top (the caller, once the callee's frame is gone): a Lua caller's
/// registers; nothing for a host or a native caller.
fn caller_keep(st: &State, ret: Ret) -> usize {
    match (ret, st.th.frames.last()) {
        (Ret::Normal { .. }, Some(f)) => match f.func_fn {
            FrameFn::Lua(c) => f.base + c.shape.max_registers as usize,
            FrameFn::Native(_) => 0,
        },
        _ => 0,
    }
}

/// Move `n` results from `first` down to `func`, `want` of them (all when
/// negative; missing ones are nil), and leave the stack `keep` long, or up
/// to the results if that is longer. Returns the end of the results.
#[inline(always)]
pub fn move_results(
    st: &mut State,
    func: usize,
    want: i32,
    first: usize,
    n: usize,
    keep: usize,
) -> usize {
    let count = if want < 0 { n } else { want as usize };
    let moved = n.min(count);
    let end = func + count;
    let stack = &mut st.th.stack;
    debug_assert!(func <= first && first + n <= stack.len());
    let p = stack.as_mut_ptr();
    for i in 0..moved {
        // SAFETY: `func + i <= first + i < first + n <= len` (asserted);
        // copying downwards never overwrites a result not yet moved. Word
        // by word: a native's results were just pushed that way.
        unsafe { Value::store(&mut *p.add(func + i), Value::load(&*p.add(first + i))) };
    }
    if moved < count {
        // Missing results are nil.
        stack.fill_nil_to(end.max(stack.len()));
        stack[func + moved..end].fill(Value::Nil);
    }
    stack.fill_nil_to(keep.max(end));
    end
}

/// Call the plain native `nf` at `func` with `nargs` arguments above it,
/// its results going where `ret` says, the stack left `keep` long (the
/// caller's registers) or up to the results: the whole call. The
/// executors' call instructions use it directly (a Lua caller, `keep` at
/// hand); [`precall`] for every other plain native call. Returns the end
/// of the results.
#[inline(always)]
pub fn call_native(
    st: &mut State,
    nf: Gc<NativeFunction>,
    func: usize,
    nargs: usize,
    ret: Ret,
    flags: FrameFlags,
    keep: usize,
) -> LuaResult<usize> {
    native_call::<false>(st, nf, func, nargs, ret, flags, keep)
}

/// [`call_native`] while a debug hook is set: the call and return events
/// around the native (`precallC`, `rethook`). Out of line: executors call
/// it only from their hooked walks.
#[inline(never)]
pub fn call_native_hooked(
    st: &mut State,
    nf: Gc<NativeFunction>,
    func: usize,
    nargs: usize,
    ret: Ret,
    flags: FrameFlags,
    keep: usize,
) -> LuaResult<usize> {
    native_call::<true>(st, nf, func, nargs, ret, flags, keep)
}

/// The body of [`call_native`] (`HOOKS`: with the call and return events).
#[inline(always)]
fn native_call<const HOOKS: bool>(
    st: &mut State,
    nf: Gc<NativeFunction>,
    func: usize,
    nargs: usize,
    ret: Ret,
    flags: FrameFlags,
    keep: usize,
) -> LuaResult<usize> {
    st.th.stack.truncate(func + 1 + nargs);
    let fr = native_frame(st, nf, func, nargs, ret, flags);
    st.th.frames.push(fr);
    let fi = st.th.frames.len() - 1;
    if HOOKS {
        hook::call(st, fi)?;
    }
    let n = (nf.f)(
        st,
        Args {
            base: func + 1,
            n: nargs,
        },
    )?;
    if HOOKS {
        hook::ret(st, fi, st.th.stack.len() - n, n)?;
    }
    // Popped without reading it back: the frame was just written, and
    // copying it out whole would wait on store forwarding.
    st.th.frames.truncate(fi);
    let first = st.th.stack.len() - n;
    let end = move_results(st, func, ret.want(), first, n, keep);
    // A safepoint: natives allocate (string.format, string.rep, tostring,
    // ...), and a loop calling only them must still run in bounded memory.
    // Above the results only dead temporaries are left (the native's
    // arguments and its copies of the results): a collection clears them.
    st.gc_check_live(end);
    Ok(end)
}

/// The frame of native `nf` called at `func` with `nargs` arguments.
#[inline(always)]
fn native_frame(
    st: &State,
    nf: Gc<NativeFunction>,
    func: usize,
    nargs: usize,
    ret: Ret,
    flags: FrameFlags,
) -> CallFrame {
    CallFrame {
        func_fn: FrameFn::Native(nf),
        func,
        base: func + 1,
        nvarargs: nargs,
        ret,
        pc: 0,
        cursor_base: st.th.cursor_mark(),
        flags,
        ip: 0,
    }
}

/// The generic `for`'s call: `R[ra+4], ... := R[ra](R[ra+1], R[ra+2])`
/// with `nvars` results, from a Lua frame whose registers end at `keep`.
/// A plain native iterator (`next`, `ipairs`'s) runs in place.
#[inline(always)]
pub fn tfor_call(st: &mut State, ra: usize, nvars: u8, keep: usize) -> LuaResult<Called> {
    let stack = &mut st.th.stack;
    if stack.len() < ra + 7 {
        stack.resize(ra + 7, Value::Nil);
    }
    stack[ra + 4] = stack[ra];
    stack[ra + 5] = stack[ra + 1];
    stack[ra + 6] = stack[ra + 2];
    stack.truncate(ra + 7);
    let want = nvars as i32;
    if let Value::Native(nf) = st.th.stack[ra + 4]
        && nf.kind == NativeKind::Plain
    {
        let ret = Ret::Normal { want };
        return Ok(Called::Done(call_native(
            st,
            nf,
            ra + 4,
            2,
            ret,
            FrameFlags::empty(),
            keep,
        )?));
    }
    precall(
        st,
        ra + 4,
        2,
        Ret::Normal { want },
        FrameFlags::empty(),
        VarInfo::ForIterator,
    )
}

/// Push the frame of Lua closure `c` called at `func` with `nargs`
/// arguments above it (the fast half of [`precall`]); returns the new
/// frame's base.
#[inline(always)]
pub fn push_lua_frame(
    st: &mut State,
    c: Gc<LuaClosure>,
    func: usize,
    nargs: usize,
    ret: Ret,
    flags: FrameFlags,
) -> LuaResult<usize> {
    let shape = c.shape;
    let np = shape.num_params as usize;
    let maxr = shape.max_registers as usize;
    let (base, nvar) = if shape.is_vararg && nargs > np {
        (func + 1 + nargs, nargs - np)
    } else {
        (func + 1, 0)
    };
    if base + maxr + 7 > MAX_STACK || st.th.frames.len() >= st.max_frames {
        stack_overflow(st, base + maxr + 7)?;
    }
    if st.tick() {
        st.attend()?;
    }
    let stack = &mut st.th.stack;
    if nvar > 0 {
        vararg_window(stack, func, nargs, np, base + maxr);
    } else {
        stack.open_window(func + 1 + nargs, base + np, base + maxr);
    }
    let cb = st.th.cursor_mark();
    st.th.frames.push(CallFrame {
        func_fn: FrameFn::Lua(c),
        func,
        base,
        nvarargs: nvar,
        ret,
        pc: NOT_STARTED,
        cursor_base: cb,
        flags,
        ip: 0,
    });
    // No collector step here: a call allocates nothing the collector
    // counts (as in PUC Lua, whose calls step it only when the stack
    // grows).
    Ok(base)
}

/// The register window of a vararg frame called at `func` with `nargs`
/// arguments, `np` of them fixed parameters, ending at `to`: the fixed
/// parameters move above the extra arguments. Out of line: the executors'
/// call paths inline `push_lua_frame`, and this part is for vararg
/// functions only.
#[inline(never)]
fn vararg_window(stack: &mut Stack, func: usize, nargs: usize, np: usize, to: usize) {
    let base = func + 1 + nargs;
    stack.truncate(base);
    stack.fill_nil_to(to);
    // One by one: usually a few, where `extend_from_within` called
    // `memcpy`.
    for i in 0..np {
        stack[base + i] = Value::load(&stack[func + 1 + i]);
    }
}

/// Make `stack` at least `len` long, appending nils; a longer stack stays
/// as it is (a return into a Lua caller: see [`Stack::open_window`]).
#[inline(always)]
pub fn extend_nil_to(stack: &mut Stack, len: usize) {
    if stack.len() < len {
        stack.fill_nil_to(len);
    }
}

/// Call the value at `func` with `nargs` arguments above it: push a Lua
/// frame, run a native to completion, enter `pcall`/`xpcall` as protected
/// frames, or go through `__call`. `info` names the called value in the
/// "attempt to call" error.
pub fn precall(
    st: &mut State,
    func: usize,
    mut nargs: usize,
    ret: Ret,
    flags: FrameFlags,
    info: VarInfo,
) -> LuaResult<Called> {
    let mut tries = 0;
    loop {
        // Matched in place (tag, then the payload), not copied out whole:
        // the slot was usually written just before as two 8-byte stores,
        // which a 16-byte load could not take from the store buffer.
        match st.th.stack[func] {
            Value::LuaFn(c) => {
                push_lua_frame(st, c, func, nargs, ret, flags)?;
                return Ok(Called::Lua);
            }
            Value::Native(nf) => {
                st.th.stack.truncate(func + 1 + nargs);
                let fr = native_frame(st, nf, func, nargs, ret, flags);
                match nf.kind {
                    NativeKind::Plain => {
                        let keep = caller_keep(st, ret);
                        let top = if st.th.hook.mask.is_empty() {
                            call_native(st, nf, func, nargs, ret, flags, keep)?
                        } else {
                            call_native_hooked(st, nf, func, nargs, ret, flags, keep)?
                        };
                        return Ok(Called::Done(top));
                    }
                    NativeKind::CallK => {
                        st.th.frames.push(fr);
                        // A request left by a native of another kind (a
                        // misuse of `call_k`) is not this one's.
                        let _ = st.take_call_request();
                        let n = (nf.f)(
                            st,
                            Args {
                                base: func + 1,
                                n: nargs,
                            },
                        )?;
                        return native_returned(st, n);
                    }
                    NativeKind::PCall => {
                        st.th.frames.push(fr);
                        if nargs == 0 {
                            return Err(st.arg_error(1, "value expected"));
                        }
                        // Protected only now: its own argument error above
                        // must not be caught by itself.
                        if let Some(f) = st.th.frames.last_mut() {
                            f.flags.insert(FrameFlags::PROTECTED);
                        }
                        count_c_call(st)?;
                        return match precall(
                            st,
                            func + 1,
                            nargs - 1,
                            Ret::Normal { want: -1 },
                            FrameFlags::empty(),
                            VarInfo::None,
                        )? {
                            Called::Lua => Ok(Called::Lua),
                            Called::Done(top) => finish_natives(st, top),
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
                        if let Some(f) = st.th.frames.last_mut() {
                            f.flags.insert(FrameFlags::PROTECTED | FrameFlags::XPCALL);
                        }
                        count_c_call(st)?;
                        st.th.stack.swap(func + 1, func + 2);
                        return match precall(
                            st,
                            func + 2,
                            nargs - 2,
                            Ret::Normal { want: -1 },
                            FrameFlags::empty(),
                            VarInfo::None,
                        )? {
                            Called::Lua => Ok(Called::Lua),
                            Called::Done(top) => finish_natives(st, top),
                        };
                    }
                }
            }
            f => {
                let h = st.get_tm(f, Tm::Call);
                if h.is_nil() || tries >= crate::vm::ops::MAX_TAG_LOOP {
                    // The slot is the same after `__call`s were inserted
                    // in front: lua5.4 names it all the same.
                    return Err(st.call_error(f, info));
                }
                tries += 1;
                // The handler goes in front of the arguments; what lies
                // above them is no part of the call (as for a native), and
                // shifting it too would grow the stack by a slot per call.
                st.th.stack.truncate(func + 1 + nargs);
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
        f.flags.insert(FrameFlags::CCALL);
    }
    Ok(())
}

/// Release the C-call levels of the frames from index `from` up, which
/// are about to be removed.
fn release_c_calls(st: &mut State, from: usize) {
    let n = st.th.frames[from..]
        .iter()
        .filter(|f| f.flags.contains(FrameFlags::CCALL))
        .count();
    // Cannot truncate: each CCALL frame holds one of the `c_calls` levels,
    // a `u32`.
    #[allow(clippy::cast_possible_truncation)]
    let n = n as u32;
    st.c_calls -= n;
}

/// After a call returned into a native frame of the loop: complete it. A
/// protected (pcall/xpcall) frame completes with `true` and the results; a
/// `CallK` native waiting for the call runs its continuation. Frames that
/// thereby complete are completed in turn. `Called::Done(top)`: the new
/// top; `Called::Lua`: a continuation called a Lua function, whose frame is
/// now on top (not started).
pub fn finish_natives(st: &mut State, mut top: usize) -> LuaResult<Called> {
    while let Some(pf) = st.th.frames.last().copied() {
        if matches!(pf.func_fn, FrameFn::Lua(_)) {
            break;
        }
        if pf.flags.contains(FrameFlags::CLOSING) {
            // A `__close` handler of a pcall that caught an error returned.
            return close_step(st, st.th.frames.len() - 1);
        }
        if pf.flags.contains(FrameFlags::CONT) {
            let fi = st.th.frames.len() - 1;
            st.th.frames[fi].flags.remove(FrameFlags::CONT);
            while st.th.conts.last().is_some_and(|c| c.frame > fi) {
                st.th.conts.pop();
            }
            let Some(c) = st.th.conts.pop() else {
                return Err(st.rt_error("internal error: lost continuation"));
            };
            let args = Args {
                base: pf.base,
                n: pf.nvarargs,
            };
            let n = (c.k)(st, args, c.results)?;
            return native_returned(st, n);
        }
        if !pf.flags.contains(FrameFlags::PROTECTED) {
            break;
        }
        let slot = if pf.flags.contains(FrameFlags::XPCALL) {
            pf.func + 1
        } else {
            pf.func
        };
        st.th.stack[slot] = Value::Bool(true);
        let n = top - slot;
        if pf.flags.contains(FrameFlags::CCALL) {
            st.c_calls -= 1;
        }
        st.th.frames.pop();
        st.th.cursors.truncate(pf.cursor_base as usize);
        top = post_call(st, &pf, slot, n);
        if matches!(pf.ret, Ret::Host { .. }) {
            break;
        }
    }
    Ok(Called::Done(top))
}

/// A `CallK` native (the frame on top) returned `n`: start the call it
/// asked for with [`State::call_k`], or complete its frame with the `n`
/// values on top of the stack as its results.
fn native_returned(st: &mut State, n: usize) -> LuaResult<Called> {
    if let Some(req) = st.take_call_request() {
        let fi = st.th.frames.len() - 1;
        st.th.frames[fi].flags.insert(FrameFlags::CONT);
        while st.th.conts.last().is_some_and(|c| c.frame >= fi) {
            st.th.conts.pop();
        }
        st.th.conts.push(PendingCont {
            frame: fi,
            k: req.k,
            results: req.func,
        });
        let nargs = st.th.stack.len() - req.func - 1;
        let ret = Ret::Normal { want: req.want };
        return match precall(st, req.func, nargs, ret, FrameFlags::empty(), VarInfo::None)? {
            Called::Lua => Ok(Called::Lua),
            Called::Done(top) => finish_natives(st, top),
        };
    }
    let Some(fr) = st.th.frames.pop() else {
        return Err(no_frame(st));
    };
    st.th.cursors.truncate(fr.cursor_base as usize);
    let first = st.th.stack.len() - n;
    let top = post_call(st, &fr, first, n);
    if matches!(fr.ret, Ret::Host { .. }) {
        return Ok(Called::Done(top));
    }
    finish_natives(st, top)
}

/// The value of the to-be-closed variable at stack `slot`, if the slot
/// is still on the stack. Compiled code always leaves it there (a
/// variable lives below the registers a call uses); a binary chunk can
/// mark a register that a call then cuts off the stack (luac5.4.4 does,
/// for a `break` out of a generic `for` whose body makes a closure): that
/// value is gone, and nothing is closed for it.
fn tbc_value(st: &State, slot: usize) -> Option<Value> {
    st.th.stack.get(slot).copied()
}

/// Close upvalues and call pending `__close` handlers down to `level`.
pub fn close_all(st: &mut State, level: usize, err: Option<Value>) -> LuaResult<()> {
    st.th.close_upvals(level);
    if st.th.tbc.last().is_none_or(|&slot| slot < level) {
        return Ok(());
    }
    // The error value lives only in Rust while the handlers run: root it.
    let e = err.unwrap_or(Value::Nil);
    st.roots.push(e);
    let mut r = Ok(());
    while let Some(&slot) = st.th.tbc.last() {
        if slot < level {
            break;
        }
        st.th.tbc.pop();
        let Some(v) = tbc_value(st, slot) else {
            continue;
        };
        let h = st.get_tm(v, Tm::Close);
        // A metamethod removed since the variable was declared fails as a
        // call of nil.
        if let Err(x) = st
            .check_tm_callable(h, Tm::Close)
            .and_then(|()| st.call(h, &[v, e]))
        {
            r = Err(x);
            break;
        }
    }
    st.roots.pop();
    r
}

/// Close upvalues and to-be-closed variables down to `level` on a normal
/// exit from the Lua frame `fi` (a block's end, a return that closes). A
/// `__close` handler runs as a step of the loop, so a coroutine can yield
/// inside it: one written in Lua as a frame above the frame's registers, a
/// native one at once (`coroutine.yield` leaves its frame on top). Then
/// `false`: the frame is marked `FINISH`, and the instruction runs again
/// when the frame resumes, to close what is left (PUC's `luaV_finishOp`
/// for `OP_CLOSE`/`OP_RETURN`). `scratch` is the slot above the registers. For
/// a return, `ret` gives its results (`n` at `f`): their count waits in
/// the scratch slot (the results above it moved up one) for
/// [`finish_op`].
pub fn close_frame(
    st: &mut State,
    fi: usize,
    level: usize,
    scratch: usize,
    ret: Option<(usize, usize)>,
) -> LuaResult<bool> {
    st.th.close_upvals(level);
    // One handler per call: it runs as a step of the loop (a native one,
    // e.g. `coroutine.yield`, at once, or it yields), and the instruction
    // runs again when the frame resumes, to close what is left.
    let v = loop {
        let Some(&slot) = st.th.tbc.last().filter(|&&s| s >= level) else {
            return Ok(true);
        };
        st.th.tbc.pop();
        if let Some(v) = tbc_value(st, slot) {
            break v;
        }
    };
    let h = st.get_tm(v, Tm::Close);
    st.check_tm_callable(h, Tm::Close)?;
    let call = match ret {
        None => scratch,
        Some((f, n)) if f + n <= scratch => {
            st.th.stack.fill_nil_to(scratch + 1);
            st.th.stack[scratch] = Value::Int(n as i64);
            scratch + 1
        }
        Some((f, n)) => {
            // `return ...` past the registers.
            st.th.stack.truncate(f + n);
            st.th.stack.insert(scratch, Value::Int(n as i64));
            f + n + 1
        }
    };
    push_meta_frame(st, fi, call, h, &[v, Value::Nil])?;
    Ok(false)
}

/// A return's `__close` frame returned into the frame at `base` with
/// `maxr` registers: take back the result count [`close_frame`] kept (and
/// the results it moved) for the return's results at `f`; their end, for a
/// return to the top. The return then runs again.
fn finish_close_return(st: &mut State, base: usize, maxr: usize, f: usize) -> usize {
    let scratch = base + maxr;
    let Value::Int(count) = st.th.stack[scratch] else {
        return f;
    };
    // Cannot truncate: `close_frame` stored a result count (a `usize`).
    #[allow(clippy::cast_possible_truncation)]
    let count = count as usize;
    if f + count > scratch {
        st.th.stack.remove(scratch);
    }
    f + count
}

/// Close everything down to `level`, as PUC's `luaD_closeprotected`: an
/// error raised by a `__close` handler becomes the error the remaining
/// handlers receive, and the result; `Ok` when none failed.
pub fn close_all_protected(st: &mut State, level: usize, err: Option<Value>) -> LuaResult<()> {
    let mut err = err;
    let mut result = Ok(());
    loop {
        // Each round pops at least the handler that failed.
        match close_all(st, level, err) {
            Ok(()) => return result,
            Err(e) => {
                err = Some(e.value);
                result = Err(e);
            }
        }
    }
}

/// Unwind to the nearest protected frame above `boundary` (the frame count
/// when the executor's `call` started; `cursor_mark` the cursor count then;
/// `func`/`flags` the arguments of that `call`). `Ok(Some(top))`: caught,
/// continue the loop in the frame now on top; `Ok(None)`: caught by a frame
/// that returns to the host (the call is complete); `Err`: not caught here
/// (the stacks are back to what they were before the call).
pub fn handle_error(
    st: &mut State,
    e: LuaError,
    boundary: usize,
    cursor_mark: usize,
    func: usize,
    flags: FrameFlags,
) -> LuaResult<Option<usize>> {
    let mut e = e;
    loop {
        // An abort (a limit, a terminate request) passes every pcall.
        let found = (boundary..st.th.frames.len())
            .rev()
            .find(|&i| st.th.frames[i].flags.contains(FrameFlags::PROTECTED))
            .filter(|_| st.aborting.is_none());
        match found {
            Some(i) => {
                let pf = st.th.frames[i];
                let mut ev = e.value;
                // An error in a `__close` handler of a pcall that is
                // already closing replaces the error, unhandled.
                if pf.flags.contains(FrameFlags::XPCALL) && !pf.flags.contains(FrameFlags::CLOSING)
                {
                    let h = st.th.stack[pf.func + 1];
                    ev = call_handler(st, h, ev);
                    if st.aborting.is_some() {
                        // The handler was ended by a limit.
                        e = LuaError::new(ev);
                        continue;
                    }
                }
                // The frames above the protected one go before its
                // pending `__close` handlers run: they run called by
                // `pcall`, as in lua5.4 (`debug.getinfo(2)` names it).
                release_c_calls(st, i + 1);
                st.th.frames.truncate(i + 1);
                st.th.cursors.truncate(pf.cursor_base as usize);
                st.th.frames[i].flags.insert(FrameFlags::CLOSING);
                st.th.stack[pf.func + 1] = ev;
                match close_step(st, i) {
                    Ok(Called::Done(_)) if matches!(pf.ret, Ret::Host { .. }) => return Ok(None),
                    Ok(Called::Done(t)) => return Ok(Some(t)),
                    // A handler's frame, or a continuation's call: on top.
                    Ok(Called::Lua) => return Ok(Some(st.th.stack.len())),
                    // A handler yielded: the coroutine's loop stops.
                    Err(e2) if st.yielding => return Err(e2),
                    Err(e2) => {
                        e = e2;
                        continue;
                    }
                }
            }
            None => {
                if (flags.contains(FrameFlags::TRACEBACK) || st.want_traceback > 0)
                    && e.traceback.is_none()
                {
                    e.traceback = Some(st.traceback(None, 0));
                }
                if let Err(e2) = close_all_protected(st, func, Some(e.value)) {
                    e = e2;
                }
                release_c_calls(st, boundary);
                // A coroutine that dies keeps its frames (not its values)
                // for `debug.traceback(co)` and `debug.getinfo(co, ..)`, as
                // lua5.4 leaves a dead coroutine's stack unwound.
                let dead = (boundary == 0 && !Gc::ptr_eq(st.current, st.main_thread))
                    .then(|| st.th.frames.clone());
                st.th.frames.truncate(boundary);
                st.th.cursors.truncate(cursor_mark);
                st.th.stack.truncate(func);
                if let Some(frames) = dead {
                    st.th.frames = frames;
                }
                return Err(e);
            }
        }
    }
}

/// The protected frame `i` caught an error (kept at its `func + 1`) and
/// closes its pending to-be-closed variables (flag `CLOSING`), each
/// handler a call of the loop, so a coroutine can yield inside one (as
/// lua5.4.6's `luaD_pcall` closes with `yy`): a handler written in Lua
/// is pushed (`Called::Lua`), and when it returns into this frame
/// `finish_natives` comes back here for the next one. An error in a
/// handler replaces the error. When none is left the frame returns
/// `false` and the error, and the frames below it complete.
fn close_step(st: &mut State, i: usize) -> LuaResult<Called> {
    let pf = st.th.frames[i];
    let level = pf.func + 2;
    st.th.close_upvals(level);
    while let Some(&slot) = st.th.tbc.last().filter(|&&s| s >= level) {
        st.th.tbc.pop();
        let Some(v) = tbc_value(st, slot) else {
            continue;
        };
        let ev = st.th.stack[pf.func + 1];
        let h = st.get_tm(v, Tm::Close);
        let func = st.th.stack.len();
        st.th.stack.extend_from_slice(&[h, v, ev]);
        match precall(
            st,
            func,
            2,
            Ret::Normal { want: 0 },
            FrameFlags::empty(),
            VarInfo::None,
        ) {
            Ok(Called::Lua) => return Ok(Called::Lua),
            Ok(Called::Done(_)) => st.th.stack.truncate(func),
            Err(e) if st.yielding || st.aborting.is_some() => return Err(e),
            Err(e) => {
                release_c_calls(st, i + 1);
                st.th.frames.truncate(i + 1);
                st.th.stack.truncate(func);
                st.th.stack[pf.func + 1] = e.value;
            }
        }
    }
    let ev = st.th.stack[pf.func + 1];
    release_c_calls(st, i);
    st.th.frames.truncate(i);
    st.th.cursors.truncate(pf.cursor_base as usize);
    st.th.stack.truncate(pf.func);
    st.th.stack.push(Value::Bool(false));
    st.th.stack.push(ev);
    let top = post_call(st, &pf, pf.func, 2);
    if !st.th.hook.mask.is_empty() {
        // The caller's next line is traced against its call.
        hook::set_old_pc_to_caller(st, i);
    }
    if matches!(pf.ret, Ret::Host { .. }) {
        return Ok(Called::Done(top));
    }
    finish_natives(st, top)
}

/// Return from the running Lua frame with `n` results at `first`: close
/// what the function needs closed, pop the frame, deliver the results and
/// complete protected frames that thereby return. Returns the new top.
pub fn do_return(st: &mut State, first: usize, n: usize) -> LuaResult<usize> {
    if let Some(t) = return_to_lua(st, first, n) {
        return Ok(t);
    }
    // Field by field: the frame's pc was stored just before, and a
    // whole-frame copy would wait on store forwarding.
    let Some(fr) = st.th.frames.last() else {
        return Err(no_frame(st));
    };
    let (func_fn, base, func, ret) = (fr.func_fn, fr.base, fr.func, fr.ret);
    if let FrameFn::Lua(c) = func_fn
        && c.p.proto.needs_close
    {
        // Closing happens before the results move: `__close` handlers run
        // above the frame's registers, leaving the results in place.
        close_all(st, base, None)?;
    }
    let Some(fr) = st.th.frames.last() else {
        return Err(no_frame(st));
    };
    let (flags, cursor_base) = (fr.flags, fr.cursor_base);
    st.th.frames.truncate(st.th.frames.len() - 1);
    if flags.contains(FrameFlags::CCALL) {
        st.c_calls -= 1;
    }
    st.th.cursors.truncate(cursor_base as usize);
    let t = post_call_to(st, func, ret, first, n);
    if !matches!(ret, Ret::Normal { .. }) {
        return Ok(t);
    }
    finished_top(st, t)
}

/// [`finish_natives`] where only the top matters: the executor reloads the
/// frame on top anyway (a continuation's Lua call starts there).
fn finished_top(st: &mut State, top: usize) -> LuaResult<usize> {
    Ok(match finish_natives(st, top)? {
        Called::Done(t) => t,
        Called::Lua => st.th.stack.len(),
    })
}

/// The error for a return or tail call with no frame to leave: an
/// executor bug, reported as an error rather than a panic.
#[cold]
fn no_frame(st: &mut State) -> LuaError {
    st.rt_error("internal error: no frame to return from")
}

/// The common return: a Lua frame with nothing to close returning into a
/// Lua frame (so no protected frame completes). Does what [`do_return`]
/// does for that case with less bookkeeping; `None` (nothing done) for
/// every other case.
#[inline]
pub fn return_to_lua(st: &mut State, first: usize, n: usize) -> Option<usize> {
    let len = st.th.frames.len();
    if len < 2 {
        return None;
    }
    // Field by field: the frame's pc was stored just before, and a
    // whole-frame copy would wait on store forwarding.
    let fr = &st.th.frames[len - 1];
    let (FrameFn::Lua(c), Ret::Normal { want }) = (fr.func_fn, fr.ret) else {
        return None;
    };
    let (func, cursor_base, flags) = (fr.func, fr.cursor_base, fr.flags);
    let caller = &st.th.frames[len - 2];
    let FrameFn::Lua(cc) = caller.func_fn else {
        return None;
    };
    let caller_base = caller.base;
    if c.p.proto.needs_close || flags.contains(FrameFlags::CCALL) {
        return None;
    }
    st.th.frames.truncate(len - 1);
    st.th.cursors.truncate(cursor_base as usize);
    let count = if want < 0 { n } else { want as usize };
    let end = func + count;
    let ext = (caller_base + cc.shape.max_registers as usize).max(end);
    let stack = &mut st.th.stack;
    // Results sit above `func` (`first > func`), so copying upwards-first
    // never overwrites a result not yet moved.
    for i in 0..n.min(count) {
        stack[func + i] = stack[first + i];
    }
    stack.fill_nil_to(ext);
    for slot in &mut stack[func + n.min(count)..end] {
        *slot = Value::Nil;
    }
    Some(end)
}

/// What a tail call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TailCalled {
    /// The running frame was replaced by a Lua frame: run it.
    Lua,
    /// The callee completed and the running frame returned; new top.
    Returned(usize),
}

/// The common tail call, inline: a Lua callee at `fa` (with `na`
/// arguments) replaces the running Lua frame, which has nothing to close
/// and holds no C-call level. Returns the callee and its frame's base, or
/// `None` (nothing done) when [`tail_call`] must run.
#[inline(always)]
pub fn quick_tail_call(
    st: &mut State,
    fa: usize,
    na: usize,
) -> LuaResult<Option<(Gc<LuaClosure>, usize)>> {
    let Value::LuaFn(c) = st.th.stack[fa] else {
        return Ok(None);
    };
    let Some(fr) = st.th.frames.last() else {
        return Ok(None);
    };
    let FrameFn::Lua(cur) = fr.func_fn else {
        return Ok(None);
    };
    if cur.shape.needs_close || fr.flags.contains(FrameFlags::CCALL) {
        return Ok(None);
    }
    let (dst, ret, cursor_base) = (fr.func, fr.ret, fr.cursor_base);
    st.th.frames.pop();
    st.th.cursors.truncate(cursor_base as usize);
    // The callee and its arguments move down to the frame's `func`
    // (`dst < fa`: copying upwards in index never overwrites one not yet
    // moved); word by word, as they were usually just written.
    debug_assert!(dst < fa && fa + na < st.th.stack.len());
    let p = st.th.stack.as_mut_ptr();
    for i in 0..=na {
        // SAFETY: both slots are below the stack's length (the arguments
        // are registers of the running frame, or values above them up to
        // the call's top).
        unsafe { Value::store(&mut *p.add(dst + i), Value::load(&*p.add(fa + i))) };
    }
    let base = push_lua_frame(st, c, dst, na, ret, FrameFlags::TAIL)?;
    Ok(Some((c, base)))
}

/// `return f(args)` from the running Lua frame: the callee at `fa` with
/// `na` arguments; `func_reg` names it in errors.
pub fn tail_call(st: &mut State, fa: usize, na: usize, func_reg: u8) -> LuaResult<TailCalled> {
    // A loop of tail calls never grows the stack: it ticks here.
    if st.tick() {
        st.attend()?;
    }
    let callee = st.th.stack[fa];
    if !callee.is_function() && st.get_tm(callee, Tm::Call).is_nil() {
        return Err(st.call_error(callee, VarInfo::Reg(func_reg)));
    }
    if let Value::Native(nf) = callee
        && nf.kind == NativeKind::Plain
    {
        // PUC runs a C function in tail position above the caller's frame
        // (tracebacks show the caller); then the caller returns.
        return match precall(
            st,
            fa,
            na,
            Ret::Normal { want: -1 },
            FrameFlags::TAILRET,
            VarInfo::Reg(func_reg),
        )? {
            Called::Done(t) => {
                if !st.th.hook.mask.is_empty() {
                    hook::ret(st, st.th.frames.len() - 1, fa, t - fa)?;
                }
                Ok(TailCalled::Returned(do_return(st, fa, t - fa)?))
            }
            Called::Lua => Err(st.rt_error("internal error: native tail call")),
        };
    }
    let Some(&cur_fr) = st.th.frames.last() else {
        return Err(no_frame(st));
    };
    if let FrameFn::Lua(c) = cur_fr.func_fn
        && c.p.proto.needs_close
    {
        close_all(st, cur_fr.base, None)?;
    }
    st.th.frames.pop();
    st.th.cursors.truncate(cur_fr.cursor_base as usize);
    // A metamethod frame's C-call level passes to the function it
    // tail-calls.
    let ccall = cur_fr.flags & FrameFlags::CCALL;
    let dst = cur_fr.func;
    for i in 0..=na {
        st.th.stack[dst + i] = st.th.stack[fa + i];
    }
    st.th.stack.truncate(dst + 1 + na);
    let called = precall(
        st,
        dst,
        na,
        cur_fr.ret,
        FrameFlags::TAIL | ccall,
        VarInfo::None,
    );
    if ccall != FrameFlags::empty() && !matches!(called, Ok(Called::Lua)) {
        st.c_calls -= 1;
    }
    match called? {
        Called::Lua => Ok(TailCalled::Lua),
        Called::Done(t) => Ok(TailCalled::Returned(
            if matches!(cur_fr.ret, Ret::Normal { .. }) {
                finished_top(st, t)?
            } else {
                t
            },
        )),
    }
}

/// The operator of an arithmetic or bitwise instruction.
#[inline]
pub fn arith_op(op: &Op) -> ArithOp {
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

fn for_error(st: &mut State, what: &str, v: Value) -> LuaError {
    let t = st.obj_typename(v);
    st.rt_error(format!("bad 'for' {} (number expected, got {})", what, t))
}

/// `forprep`'s common case, inline: integer initial value, limit and a
/// positive step, in the loop registers `s` (initial value, limit, step,
/// control variable). `Some(runs)` when it applied (the registers then set
/// up as [`for_prep`] sets them), `None` for [`for_prep`].
#[inline(always)]
pub fn for_prep_int(s: &mut [Value]) -> Option<bool> {
    let (Value::Int(i0), Value::Int(lim), Value::Int(step)) = (s[0], s[1], s[2]) else {
        return None;
    };
    if step <= 0 {
        return None;
    }
    if i0 > lim {
        return Some(false);
    }
    let c = (lim as u64).wrapping_sub(i0 as u64);
    let count = if step != 1 { c / step as u64 } else { c };
    Value::store_int(&mut s[1], count as i64);
    Value::store_int(&mut s[3], i0);
    Some(true)
}

/// `forprep` on the loop registers at stack index `ra` (initial value,
/// limit, step, control variable): returns whether the loop runs. An
/// integer loop keeps its remaining iteration count in `R[ra+1]`.
pub fn for_prep(st: &mut State, ra: usize) -> LuaResult<bool> {
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
                let fl = match crate::vm::ops::to_number(limit) {
                    Some(Value::Float(f)) => f,
                    Some(Value::Int(l)) => l as f64,
                    _ => return Err(for_error(st, "limit", limit)),
                };
                let conv = if s < 0 { fl.ceil() } else { fl.floor() };
                match crate::number::float_to_int_exact(conv) {
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
    let tof = |v: Value| match crate::vm::ops::to_number(v) {
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

/// `forloop` on the loop registers `s[0..4]` (a frame's window from the
/// loop's base register): returns whether to run the body again.
#[inline]
pub fn for_step(s: &mut [Value]) -> bool {
    match (s[0], s[1], s[2]) {
        (Value::Int(i), Value::Int(count), Value::Int(step)) if count != 0 => {
            let ni = i.wrapping_add(step);
            s[1] = Value::Int(((count as u64) - 1) as i64);
            s[0] = Value::Int(ni);
            s[3] = Value::Int(ni);
            true
        }
        (Value::Float(i), Value::Float(l), Value::Float(step)) => {
            let ni = i + step;
            let go = if step > 0.0 { ni <= l } else { l <= ni };
            if go {
                s[0] = Value::Float(ni);
                s[3] = Value::Float(ni);
            }
            go
        }
        _ => false,
    }
}

/// `Tbc { reg }` of the frame at `base` executing instruction `pc`.
pub fn mark_tbc(st: &mut State, proto: &Proto, base: usize, reg: u8, pc: u32) -> LuaResult<()> {
    let v = st.th.stack[base + reg as usize];
    if v.truthy() {
        if st.get_tm(v, Tm::Close).is_nil() {
            let name = proto
                .debug
                .local_name(reg, pc + 1)
                .or_else(|| proto.debug.local_name(reg, pc))
                // `luaG_findlocal`'s name for a register of a Lua
                // function without a local's name (a stripped chunk).
                .unwrap_or("(temporary)")
                .to_string();
            return Err(st.rt_error(format!("variable '{}' got a non-closable value", name)));
        }
        st.th.tbc.push(base + reg as usize);
    }
    Ok(())
}

/// `TForPrep`: mark the closing value at `ra + 3` of a generic `for`.
pub fn tfor_prep(st: &mut State, ra: usize) -> LuaResult<()> {
    let closing = st.th.stack[ra + 3];
    if closing.truthy() {
        if st.get_tm(closing, Tm::Close).is_nil() {
            return Err(st.rt_error("variable '(for state)' got a non-closable value"));
        }
        st.th.tbc.push(ra + 3);
    }
    Ok(())
}

/// `Closure`: a new closure of child prototype `child` for the frame of
/// `cl` at `base`. A safepoint follows (the caller stores the result first).
pub fn make_closure(
    st: &mut State,
    cl: Gc<LuaClosure>,
    child: &Rc<FnProto>,
    base: usize,
) -> Gc<LuaClosure> {
    let mut ups = Vec::with_capacity(child.proto.upvalues.len());
    for d in child.proto.upvalues.iter() {
        if d.in_stack {
            ups.push(Cell::new(st.find_upval(base + d.index as usize)));
        } else {
            ups.push(cl.upvals[d.index as usize].clone());
        }
    }
    st.new_closure(child.clone(), ups.into_boxed_slice())
}

/// `Vararg { dst, n }` of frame `fi` (whose prototype has `num_params`
/// fixed parameters). Returns the new top when `n == MULTRET`.
#[inline(never)]
pub fn vararg(st: &mut State, fi: usize, num_params: usize, dst: u8, n: u8) -> Option<usize> {
    // The three fields, not a copy of the frame.
    let fr = &st.th.frames[fi];
    let (nv, func, base) = (fr.nvarargs, fr.func, fr.base);
    let from = func + 1 + num_params;
    let d = base + dst as usize;
    let cnt = if n == MULTRET { nv } else { n as usize };
    let stack = &mut st.th.stack;
    if stack.len() < d + cnt {
        stack.resize(d + cnt, Value::Nil);
    }
    // The varargs lie below `base <= d`: the ranges never overlap. A
    // loop, not `copy_within`: usually a few values, for which a call of
    // `memmove` costs more than the copy.
    // (With no varargs, `from` may lie above `d`: nothing is copied.)
    let m = cnt.min(nv);
    if m > 0 {
        assert!(from + m <= d && d + cnt <= stack.len());
        let p = stack.as_mut_ptr();
        for i in 0..m {
            // SAFETY: both slots are below the stack's length (asserted
            // above). Word by word: an argument was usually just written
            // so.
            unsafe { Value::store(&mut *p.add(d + i), Value::load(&*p.add(from + i))) };
        }
    }
    stack[d + m..d + cnt].fill(Value::Nil);
    (n == MULTRET).then_some(d + cnt)
}

/// `SetList { table, n, offset }` of the frame at `base` with
/// `max_registers` registers (`top` ends a `MULTRET` list).
pub fn set_list(
    st: &mut State,
    base: usize,
    max_registers: usize,
    table: u8,
    n: u8,
    offset: u32,
    top: usize,
) {
    let ta = base + table as usize;
    let cnt = if n == MULTRET {
        top - ta - 1
    } else {
        n as usize
    };
    if let Value::Table(t) = st.th.stack[ta] {
        // As lvm.c's OP_SETLIST: size the array part for the whole list
        // at once (a constructor ending in a call or `...` was created
        // with only its fixed items counted; without this, the extra
        // items went through the hash part and a rehash).
        let last = offset as usize + cnt;
        {
            let mut raw = t.raw_mut();
            // Only for a list continuing the array part: the offset of a
            // binary chunk made by hand could ask for any size.
            if last > raw.array_len() && offset as usize <= raw.array_len() {
                let nhash = raw.hash_capacity();
                raw.resize(last, nhash);
            }
        }
        for i in 1..=cnt {
            let v = st.th.stack[ta + i];
            st.raw_set_int(t, offset as i64 + i as i64, v);
        }
    }
    let ext = base + max_registers;
    if st.th.stack.len() > ext {
        st.th.stack.truncate(ext);
    }
}

/// Push the frame of Lua metamethod `h` with `args`, its function slot at
/// `scratch` (just above the registers of frame `fi`, the frame on top),
/// and mark that frame `FrameFlags::FINISH` so its current instruction completes
/// with the metamethod's result when it resumes. Counted as a C call, as
/// PUC's `luaT_callTMres`.
pub fn push_meta_frame(
    st: &mut State,
    fi: usize,
    scratch: usize,
    h: Value,
    args: &[Value],
) -> LuaResult<()> {
    let n = args.len();
    let mut vals = [h, Value::Nil, Value::Nil, Value::Nil];
    vals[1..1 + n].copy_from_slice(args);
    st.th.stack.set_call(scratch, &vals, n);
    push_meta_call(st, fi, scratch, n, 1)
}

/// [`push_meta_frame`] for the call of a [`Step::Call`](crate::vm::ops::Step::Call)`(n)`
/// ([`State::pending`]).
pub fn push_pending_frame(st: &mut State, fi: usize, scratch: usize, n: usize) -> LuaResult<()> {
    st.th.stack.set_call(scratch, st.pending.slots(), n);
    push_meta_call(st, fi, scratch, n, st.pending.wants())
}

/// The frame of the metamethod call laid out at `scratch` with `nargs`
/// arguments, its operation using `want` results (see [`push_meta_frame`]).
#[inline(always)]
fn push_meta_call(
    st: &mut State,
    fi: usize,
    scratch: usize,
    nargs: usize,
    want: i32,
) -> LuaResult<()> {
    st.th.frames[fi].flags.insert(FrameFlags::FINISH);
    st.enter_c_call()?;
    let h = Value::load(&st.th.stack[scratch]);
    // Only a Lua frame keeps the C-call level until it returns; a native
    // runs here and now (or stays on top, yielded).
    let lua = matches!(h, Value::LuaFn(_));
    let flags = if lua {
        FrameFlags::CCALL
    } else {
        FrameFlags::empty()
    };
    let ret = Ret::Normal { want };
    let r = match h {
        // Without `precall`'s dispatch on the callee: the usual handler.
        Value::LuaFn(c) => push_lua_frame(st, c, scratch, nargs, ret, flags).map(|_| Called::Lua),
        _ => precall(st, scratch, nargs, ret, flags, VarInfo::None),
    };
    if !matches!(r, Ok(Called::Lua)) {
        st.c_calls -= 1;
    }
    r?;
    Ok(())
}

/// A test as a step: plain values answer at once; a comparison metamethod
/// is returned to be run (its result's truthiness is the test's value).
pub fn test_step(
    st: &mut State,
    base: usize,
    k: &[Value],
    t: &Test,
) -> LuaResult<crate::vm::ops::Step> {
    use crate::vm::ops::{Cmp, Step};
    let r = |st: &State, x: u8| Value::load(&st.th.stack[base + x as usize]);
    let (cmp, a, b) = match *t {
        Test::Eq(a, b) => (Cmp::Eq, r(st, a), r(st, b)),
        Test::Lt(a, b) => (Cmp::Lt, r(st, a), r(st, b)),
        Test::Le(a, b) => (Cmp::Le, r(st, a), r(st, b)),
        Test::LtI(a, i) => (Cmp::Lt, r(st, a), Value::Int(i as i64)),
        Test::LeI(a, i) => (Cmp::Le, r(st, a), Value::Int(i as i64)),
        Test::GtI(a, i) => (Cmp::Lt, Value::Int(i as i64), r(st, a)),
        Test::GeI(a, i) => (Cmp::Le, Value::Int(i as i64), r(st, a)),
        // Never a call: truthiness, raw equality with a constant.
        Test::Truthy(a) => return Ok(Step::Done(Value::Bool(r(st, a).truthy()))),
        Test::EqK(a, kk) => return Ok(Step::Done(Value::Bool(r(st, a).raw_eq(&k[kk as usize])))),
        Test::EqI(a, i) => {
            return Ok(Step::Done(Value::Bool(
                r(st, a).raw_eq(&Value::Int(i as i64)),
            )));
        }
    };
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let v = match cmp {
            Cmp::Eq => x == y,
            Cmp::Lt => x < y,
            Cmp::Le => x <= y,
        };
        return Ok(Step::Done(Value::Bool(v)));
    }
    st.compare_step(cmp, a, b)
}

/// How a resumed coroutine continues, decided before an executor's loop
/// runs (the part of `Executor::resume` that does not depend on how code
/// is walked).
pub enum ResumeStart {
    /// The coroutine finished without running Lua code: its body was a
    /// native function, or the yield it was suspended in returns straight
    /// to the host.
    Returned,
    /// Run the executor's loop from stack top `top`, first unwinding
    /// `pending` if set. `fresh` is true when the coroutine's body was just
    /// entered (a new Lua frame is on top, with no executor state yet).
    Run {
        top: usize,
        pending: Option<LuaError>,
        fresh: bool,
    },
}

/// Start or continue the coroutine whose stacks are in `st.th`, with
/// `nargs` resume arguments on top of its value stack: a new coroutine
/// calls its body; a suspended one delivers the arguments as the results of
/// the `coroutine.yield` frame on top (returning at once for
/// `return coroutine.yield(...)`).
pub fn resume_start(st: &mut State, nargs: usize) -> ResumeStart {
    // The yield returns (with the resume's arguments): its return event.
    if !st.th.hook.mask.is_empty() && !st.th.frames.is_empty() {
        let fi = st.th.frames.len() - 1;
        let first = st.th.stack.len() - nargs;
        if let Err(e) = hook::ret(st, fi, first, nargs) {
            st.th.frames.pop();
            return ResumeStart::Run {
                top: 0,
                pending: Some(e),
                fresh: false,
            };
        }
    }
    // A started coroutine is suspended in its `coroutine.yield` frame.
    let Some(y) = st.th.frames.pop() else {
        return match precall(
            st,
            0,
            nargs,
            Ret::Host { want: -1 },
            FrameFlags::empty(),
            VarInfo::None,
        ) {
            Ok(Called::Done(_)) => ResumeStart::Returned,
            Ok(Called::Lua) => ResumeStart::Run {
                top: 0,
                pending: None,
                fresh: true,
            },
            Err(e) => ResumeStart::Run {
                top: 0,
                pending: Some(e),
                fresh: false,
            },
        };
    };
    st.th.cursors.truncate(y.cursor_base as usize);
    let first = st.th.stack.len() - nargs;
    let t = post_call(st, &y, first, nargs);
    if matches!(y.ret, Ret::Host { .. }) {
        return ResumeStart::Returned;
    }
    if !y.flags.contains(FrameFlags::TAILRET) {
        return match finished_top(st, t) {
            Ok(top) => ResumeStart::Run {
                top,
                pending: None,
                fresh: false,
            },
            Err(e) => ResumeStart::Run {
                top: 0,
                pending: Some(e),
                fresh: false,
            },
        };
    }
    // `return coroutine.yield(...)`: the caller returns now.
    let (top, pending) = match do_return(st, y.func, t - y.func) {
        Ok(t) => (t, None),
        Err(e) => (0, Some(e)),
    };
    if st.th.frames.is_empty() {
        return ResumeStart::Returned;
    }
    ResumeStart::Run {
        top,
        pending,
        fresh: false,
    }
}

/// Extra stack slots a message handler may use beyond [`MAX_STACK`]
/// (PUC's `ERRORSTACKSIZE`), so that it can handle a stack overflow.
const ERROR_STACK_EXTRA: usize = 1000;

/// A frame would need the stack up to `need`, past [`MAX_STACK`]: "stack
/// overflow", unless a message handler runs and the extra zone has room.
#[cold]
#[inline(never)]
fn stack_overflow(st: &mut State, need: usize) -> LuaResult<()> {
    if st.th.frames.len() >= st.max_frames {
        return Err(st.rt_error("stack overflow"));
    }
    if st.in_handler > 0 && need <= MAX_STACK + ERROR_STACK_EXTRA {
        return Ok(());
    }
    Err(st.rt_error("stack overflow"))
}

/// Run an `xpcall` message handler on `err`; an error inside the handler
/// is handled by the handler again, until the C-call limit turns it into
/// "error in error handling" (as lua5.4).
pub fn call_handler(st: &mut State, h: Value, err: Value) -> Value {
    let mut err = err;
    let saved = st.c_calls;
    loop {
        st.in_handler += 1;
        let r = st.call(h, &[err]);
        st.in_handler -= 1;
        match r {
            Ok(r) => {
                st.c_calls = saved;
                return r.first().copied().unwrap_or(Value::Nil);
            }
            Err(e) if st.aborting.is_some() => {
                st.c_calls = saved;
                return e.value;
            }
            Err(e) => {
                // A stack overflow while handling an error is final in
                // lua5.4 (luaD_growstack raises LUA_ERRERR).
                let overflow = matches!(e.value, Value::Str(s)
                    if s.as_bytes().ends_with(b"stack overflow"));
                if overflow || st.c_calls >= crate::state::MAX_C_CALLS {
                    st.c_calls = saved;
                    return st.str_value("error in error handling");
                }
                st.c_calls += 1;
                err = e.value;
            }
        }
    }
}

/// The register a metamethod's result completes when the frame that ran
/// the instruction resumes: the instruction's destination. `None` for
/// instructions without one.
fn finish_reg(op: &Op) -> Option<u8> {
    match *op {
        Op::Method { dst, .. } => Some(dst),
        mut op => op.dst_mut().copied(),
    }
}

/// What an executor does with an instruction after the metamethod frame
/// it started has returned (see [`finish_op`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// The instruction is complete: go on after it.
    Done,
    /// Run the instruction again (a `Close` or a return closing what is
    /// left).
    Again,
    /// A conditional jump: the metamethod's result decided the test.
    Test(bool),
    /// Another metamethod frame was pushed (a concatenation going on): run
    /// it; the instruction waits.
    Suspended,
}

/// Complete the instruction `op` of the Lua frame `fi` (at `base`, `maxr`
/// registers) whose metamethod frame has returned, its result in the slot
/// above the registers: PUC's `luaV_finishOp`, for both executors. The
/// frame's `FINISH` mark is cleared; `top` is the executor's stack top (a
/// return to the top gets it back).
#[inline]
pub fn finish_op(
    st: &mut State,
    fi: usize,
    (base, maxr): (usize, usize),
    op: &Op,
    top: &mut usize,
) -> LuaResult<Finish> {
    st.th.frames[fi].flags.remove(FrameFlags::FINISH);
    // A `__newindex` frame wants no result: its slot may be past the end
    // (and a store stores nothing).
    // Word by word: the return just stored it that way (`Value::load`).
    let v = st.th.stack.get(base + maxr).map_or(Value::Nil, Value::load);
    Ok(match *op {
        _ if op.as_cond_jump().is_some() => Finish::Test(v.truthy()),
        // A `__close` frame returned: close the rest.
        Op::Close { .. } | Op::Return0 | Op::Return1 { .. } => Finish::Again,
        Op::Return { first, n } => {
            let end = finish_close_return(st, base, maxr, base + first as usize);
            if n == MULTRET {
                *top = end;
            }
            Finish::Again
        }
        Op::Concat { first, n } => match finish_concat(st, fi, base, maxr, (first, n), v)? {
            Some(r) => {
                st.th.stack[base + first as usize] = r;
                st.gc_check();
                Finish::Done
            }
            None => Finish::Suspended,
        },
        _ => {
            if let Some(d) = finish_reg(op) {
                st.th.stack[base + d as usize] = v;
            }
            Finish::Done
        }
    })
}

/// The common return, without [`do_return`]: the Lua frame `fi` on top
/// returns the `n` values at `first`, it has no to-be-closed variable
/// pending (`needs_close` is its prototype's: then its open upvalues are
/// closed here; a C-call level it holds is released), and its
/// caller is a Lua frame of this run loop (above `boundary`) that wants at
/// most `n` values. Pops the frame, moves the results to its `func` slot
/// and returns their end (also stored in `top` when the caller wants all
/// of them, the one kind of caller that reads it); `None` (nothing done)
/// when the general path must run. The caller's stack extent is the
/// executor's to restore.
#[inline(always)]
pub fn quick_return(
    st: &mut State,
    fi: usize,
    boundary: usize,
    needs_close: bool,
    (first, n): (usize, usize),
    top: &mut usize,
) -> Option<usize> {
    let fr = &st.th.frames[fi];
    let Ret::Normal { want } = fr.ret else {
        return None;
    };
    if needs_close {
        return quick_return_closing(st, fi, boundary, (first, n), top);
    }
    if !((want < 0 || want as usize <= n)
        && fi > boundary
        && matches!(st.th.frames[fi - 1].func_fn, FrameFn::Lua(_)))
    {
        return None;
    }
    let func = fr.func;
    // A metamethod's frame holds a C-call level (`push_meta_frame`).
    if fr.flags.contains(FrameFlags::CCALL) {
        st.c_calls -= 1;
    }
    let count = if want < 0 { n } else { want as usize };
    if want < 0 {
        // Only a `MULTRET` consumer reads the top, and only right after a
        // `MULTRET` producer such as this call.
        *top = func + count;
    }
    st.th.frames.pop();
    // `first > func`: copying downwards never overwrites a result not yet
    // moved. The results are registers or values above them, all below the
    // stack's length (the `regs` module's invariant).
    debug_assert!(first > func && first + count <= st.th.stack.len());
    let stack = st.th.stack.as_mut_ptr();
    // Word by word: a result was usually just written that way (an
    // arithmetic result), and a 16-byte load of it would wait for the two
    // stores to reach the cache (the `value` module's docs).
    if count == 1 {
        // The usual case, without the loop's setup.
        // SAFETY: both slots are below the stack's length (checked above
        // in debug builds).
        unsafe { Value::store(&mut *stack.add(func), Value::load(&*stack.add(first))) };
    } else {
        for i in 0..count {
            // SAFETY: as above.
            unsafe {
                Value::store(
                    &mut *stack.add(func + i),
                    Value::load(&*stack.add(first + i)),
                )
            };
        }
    }
    Some(func + count)
}

/// [`quick_return`] of a frame that may have something to close: when it
/// is only open upvalues (no to-be-closed variable pending at or above
/// its base), they are closed here and the quick return goes on. Out of
/// line, so that the inline return of a frame with nothing to close
/// stays as short.
#[inline(never)]
fn quick_return_closing(
    st: &mut State,
    fi: usize,
    boundary: usize,
    results: (usize, usize),
    top: &mut usize,
) -> Option<usize> {
    let base = st.th.frames[fi].base;
    if st.th.tbc.last().is_some_and(|&slot| slot >= base) {
        return None;
    }
    // Before the results move (they may land on a captured slot). If the
    // quick return then declines, `do_return` finds nothing left open.
    st.th.close_upvals(base);
    quick_return(st, fi, boundary, false, results, top)
}

/// `Concat { first, n }` in the Lua frame `fi` at `base` with `maxr`
/// registers: `Some(v)`, the result; `None`, a `__concat` written in Lua
/// was pushed as a frame above (marked `FINISH`; [`finish_op`] goes on
/// when it returns), so a coroutine can yield inside it.
pub fn concat(
    st: &mut State,
    fi: usize,
    base: usize,
    maxr: usize,
    first: u8,
    n: u8,
) -> LuaResult<Option<Value>> {
    let start = base + first as usize;
    let n = n as usize;
    let r = st.concat_range(start, n, start, n, first, Some((fi, base + maxr)))?;
    Ok(match r {
        Concatenated::Done(v) => Some(v),
        Concatenated::Suspended => None,
    })
}

/// The `__concat` frame [`concat()`] pushed returned `v`: finish the
/// instruction (`Some`, its result) or run the next one (`None`).
fn finish_concat(
    st: &mut State,
    fi: usize,
    base: usize,
    maxr: usize,
    (first, n): (u8, u8),
    v: Value,
) -> LuaResult<Option<Value>> {
    let start = base + first as usize;
    let r = st.finish_concat(start, n as usize, first, v, (fi, base + maxr))?;
    Ok(match r {
        Concatenated::Done(v) => Some(v),
        Concatenated::Suspended => None,
    })
}
