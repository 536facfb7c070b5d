//! lua-exec-flat: the fast executor. It runs the *flat* form of
//! lua-bytecode (`Proto::flat()`: one instruction array with resolved jump
//! targets) with a program counter and implements
//! [`lua_runtime::Executor`].
//!
//! It is not a compiler and holds no semantics of its own: values,
//! operators, metamethods, calls, returns, protected frames, error
//! unwinding and the library all live in lua-runtime (the shared call
//! protocol is [`lua_runtime::vm::interp`]); what this crate owns is the
//! dispatch loop and its fast paths.
//!
//! # How the loop works
//!
//! Frames live on the thread's heap frame stack; a flat frame needs only
//! its `pc`. [`run`](crate) keeps the running frame's state in locals
//! (closure, code, constants, `base`, `pc`) and reloads them only when the
//! frame on top changes: a Lua→Lua call pushes a frame and the loop
//! carries on in the callee, a return pops it and the loop resumes the
//! caller after its call instruction. Nothing recurses on the Rust stack
//! for Lua calls, so a recursion 200,000 deep works, a runaway one ends in
//! the catchable "stack overflow", and `return f()` reuses the frame.
//! `pcall`/`xpcall` are protected native frames in the same loop; an error
//! unwinds to the nearest one above the frame this `call` started with.
//!
//! A frame's `pc` in the frame stack is the instruction being executed
//! (line information and variable names are keyed by it); the loop keeps
//! it in a local and stores it only before something that can raise an
//! error or call out (slow paths, calls), which is all anyone reads it for.
//! With it the loop stores the instruction's address (`CallFrame::ip`), so
//! resuming a frame after a call is one load, not a walk from the closure
//! to its code.
//!
//! Fast paths inline: integer and float arithmetic, comparisons of
//! integers, tables without metatables with integer keys (array part
//! first) and short-string keys, Lua calls and returns, numeric `for`.
//! Everything else (coercions, metamethods, errors) goes through
//! lua-runtime out of line. A metamethod written in Lua (`__index`,
//! `__newindex`, arithmetic, `__len`, comparisons) runs as a frame of this
//! loop, so a coroutine can yield inside it; the interrupted instruction
//! completes when its frame resumes (`FRAME_FINISH`).
//!
//! The measured reasons behind the shape of the loop (operands read by
//! reference, fast results stored in their own branch, no whole-struct
//! copies of freshly written frames) are in docs/PERFORMANCE.md. Registers
//! are read through a `regs::Window` (lua-runtime), a pointer to the frame's
//! first register kept in a local and re-made after every call out of the
//! loop, which may move the stack; the crate's
//! own `unsafe` is only in `window` (the instruction pointer), each use
//! with the invariant that makes it sound.
//!
//! ```
//! use std::rc::Rc;
//! let mut st = lua_runtime::State::new(Rc::new(lua_exec_flat::FlatExecutor));
//! let f = st
//!     .load(b"local s = 0 for i = 1, 10 do s = s + i end return s", "=example", "t", None)
//!     .unwrap();
//! let r = st.call(f, &[]).unwrap();
//! assert!(matches!(r[0], lua_runtime::Value::Int(55)));
//! ```

mod window;

use lua_bytecode::{MULTRET, Op, RK, Test};
use lua_runtime::error::{LuaError, LuaResult};
use lua_runtime::vm::executor::Resumed;
use lua_runtime::vm::fast::{
    arith_fast, arith_slow, index_class, index_slow, raw_get, set_fast, set_index_slow,
};
use lua_runtime::vm::frame::{FRAME_CCALL, FRAME_FINISH, FRAME_TRACEBACK, FrameFn, Ret};
use lua_runtime::vm::interp::{self, Called, ResumeStart, TailCalled};
use lua_runtime::vm::ops::Step;
use lua_runtime::vm::ops::{ArithOp, VarInfo};
use lua_runtime::{Executor, Gc, NativeKind, State, Table, Value};

use lua_runtime::vm::regs::Window;

/// The flat (program-counter) executor.
#[derive(Clone, Copy, Debug, Default)]
pub struct FlatExecutor;

impl Executor for FlatExecutor {
    fn name(&self) -> &'static str {
        "flat"
    }

    fn call(&self, st: &mut State, func: usize, nresults: i32, flags: u8) -> LuaResult<()> {
        execute(st, func, nresults, flags)
    }

    fn resume(&self, st: &mut State, nargs: usize) -> LuaResult<Resumed> {
        resume(st, nargs)
    }
}

/// Run the call at `func` to completion (the `Executor::call` contract).
fn execute(st: &mut State, func: usize, nresults: i32, flags: u8) -> LuaResult<()> {
    let boundary = st.th.frames.len();
    let cursor_mark = st.th.cursors.len();
    let nargs = st.th.stack.len() - func - 1;
    let ret = Ret::Host { want: nresults };
    let first = if let Value::LuaFn(c) = st.th.stack[func] {
        interp::push_lua_frame(st, c, func, nargs, ret, flags & FRAME_TRACEBACK)
            .map(|_| Called::Lua)
    } else {
        interp::precall(st, func, nargs, ret, flags & FRAME_TRACEBACK, VarInfo::None)
    };
    let pending: Option<LuaError> = match first {
        Ok(Called::Done(_)) => return Ok(()),
        Ok(Called::Lua) => None,
        Err(e) => Some(e),
    };
    let lp = Loop {
        boundary,
        cursor_mark,
        func,
        flags,
    };
    if pending.is_none() {
        // The common case straight into the loop (natives calling Lua,
        // e.g. a sort comparator, come here once per call); `run_loop`
        // only when an error has to unwind.
        let mut top = 0;
        return match run(st, boundary, &mut top, true) {
            Ok(()) => Ok(()),
            Err(e) => run_loop(st, Some(e), top, true, lp),
        };
    }
    run_loop(st, pending, 0, true, lp)
}

/// What a run loop unwinds to: the frame and cursor counts when it
/// started, and the `Executor::call` arguments.
#[derive(Clone, Copy)]
struct Loop {
    boundary: usize,
    cursor_mark: usize,
    func: usize,
    flags: u8,
}

/// Run frames above `lp.boundary` until they return to it; errors go to
/// the nearest protected frame above it, or out. `fresh`: the frame on
/// top has not started yet (else it resumes after its saved pc).
fn run_loop(
    st: &mut State,
    mut pending: Option<LuaError>,
    mut top: usize,
    mut fresh: bool,
    lp: Loop,
) -> LuaResult<()> {
    loop {
        if let Some(e) = pending.take() {
            if st.yielding {
                // Only a coroutine's own loop sees this (yields elsewhere
                // are refused): stop with the frames as they are.
                return Err(e);
            }
            match interp::handle_error(st, e, lp.boundary, lp.cursor_mark, lp.func, lp.flags) {
                Ok(Some(t)) => top = t,
                Ok(None) => return Ok(()),
                Err(e) => return Err(e),
            }
            // The frame on top is the caller of the pcall that caught it.
            fresh = false;
        }
        if st.th.frames.len() <= lp.boundary {
            return Ok(());
        }
        match run(st, lp.boundary, &mut top, fresh) {
            Ok(()) => return Ok(()),
            Err(e) => pending = Some(e),
        }
    }
}

/// `Executor::resume`: run the coroutine whose stacks are in `st.th`.
fn resume(st: &mut State, nargs: usize) -> LuaResult<Resumed> {
    let (top, pending, fresh) = match interp::resume_start(st, nargs) {
        ResumeStart::Returned => return Ok(Resumed::Returned),
        ResumeStart::Run {
            top,
            pending,
            fresh,
        } => (top, pending, fresh),
    };
    let lp = Loop {
        boundary: 0,
        cursor_mark: 0,
        func: 0,
        flags: 0,
    };
    match run_loop(st, pending, top, fresh, lp) {
        Ok(()) => Ok(Resumed::Returned),
        Err(_) if st.yielding => Ok(Resumed::Yielded),
        Err(e) => Err(e),
    }
}

#[cold]
#[inline(never)]
fn test_slow(st: &mut State, base: usize, k: &[Value], t: &Test) -> LuaResult<Step> {
    interp::test_step(st, base, k, t)
}

/// Run Lua frames from the one on top until the frame count drops to
/// `boundary` (`Ok`) or an error escapes (`Err`; the caller unwinds).
/// `fresh`: the frame on top has not started yet (else it resumes after
/// the call instruction at its saved pc).
fn run(st: &mut State, boundary: usize, top: &mut usize, mut fresh: bool) -> LuaResult<()> {
    // Set by the quick return: the end of the results just delivered; the
    // stack is sized for the caller once its frame is loaded (its register
    // count is at hand then).
    let mut ret_end: Option<usize> = None;
    'frame: loop {
        // The running frame's state in locals. The generic entry here
        // serves every frame change; the hot ones (a Lua call with fixed
        // arguments, a plain return into a Lua caller) reassign these in
        // place (`enter!`) and stay in the instruction loop.
        let mut fi = st.th.frames.len() - 1;
        // Field by field: the frame was just written (push, or a pc save),
        // and a whole-struct copy would wait on store forwarding.
        let fr = &st.th.frames[fi];
        let (func_fn, mut base, saved_pc, saved_ip, flags) =
            (fr.func_fn, fr.base, fr.pc, fr.ip, fr.flags);
        let FrameFn::Lua(mut cl) = func_fn else {
            return Err(st.rt_error("internal error: native frame on top"));
        };
        let (mut code, mut k) = window::frame_parts(cl);
        let mut maxr = cl.shape.max_registers as usize;
        // lua-bytecode guarantees it (`FlatCode`); `window::fetch` relies on it.
        debug_assert!(lua_bytecode::ends_closed(code));
        // The instruction pointer; `pc!()` is its index (the frame's pc).
        // A frame resuming after a call continues after the instruction
        // whose address `save_pc!` stored with the pc: one load from the
        // frame, not the walk closure -> prototype -> code.
        let mut ip = if fresh {
            window::at(code, 0)
        } else if saved_ip != 0 {
            window::after(saved_ip)
        } else {
            window::at(code, saved_pc as usize + 1)
        };
        if let Some(end) = ret_end.take() {
            // As `post_call`: the caller's registers, or up to the results.
            let ext = (base + maxr).max(end);
            let stack = &mut st.th.stack;
            if stack.len() < ext {
                stack.resize(ext, Value::Nil);
            } else {
                stack.truncate(ext);
            }
        }
        // The register window; re-made after every call out of the loop
        // (`refresh!`), since a call may move the stack (see `Window`).
        let mut regs = Window::of(st, base);
        // Switch the locals to closure `$c`'s frame at `$base` (its frame
        // is the top of the frame stack) at instruction pointer `$ip`.
        macro_rules! enter {
            ($c:expr, $base:expr, $ip:expr) => {{
                cl = $c;
                (code, k) = window::frame_parts(cl);
                maxr = cl.shape.max_registers as usize;
                base = $base;
                ip = $ip;
                regs = Window::of(st, base);
            }};
        }
        // Enter closure `$c`'s frame at `$base`, just pushed, at its start.
        macro_rules! enter_start {
            ($c:expr, $base:expr) => {{
                let c = $c;
                let (ccode, _) = window::frame_parts(c);
                enter!(c, $base, window::at(ccode, 0));
            }};
        }
        if !fresh && flags & FRAME_FINISH != 0 {
            // A metamethod frame returned: its result (just above the
            // registers) completes the instruction at the saved pc.
            st.th.frames[fi].flags &= !FRAME_FINISH;
            let v = st.th.stack[base + maxr];
            let at = if saved_ip != 0 {
                window::index_of(code, saved_ip as *const Op)
            } else {
                saved_pc as usize
            };
            let mut op = code[at];
            match op {
                Op::JumpIf { target, .. } if v.truthy() => ip = window::at(code, target as usize),
                Op::JumpIfNot { target, .. } if !v.truthy() => {
                    ip = window::at(code, target as usize)
                }
                Op::Method { dst, .. } => regs.set(dst, v),
                _ => {
                    if let Some(&mut d) = op.dst_mut() {
                        regs.set(d, v);
                    }
                }
            }
        }

        macro_rules! refresh {
            () => {
                regs = Window::of(st, base)
            };
        }
        macro_rules! pc {
            () => {
                window::index_of(code, ip)
            };
        }
        macro_rules! save_pc {
            () => {{
                // The address only: `CallFrame::current_pc` derives the
                // index from it for whoever needs one (errors, tracebacks).
                st.th.frames[fi].ip = ip as usize;
            }};
        }
        // An operation's next step: its value, or a metamethod to run. A
        // Lua metamethod becomes a frame (the instruction completes when
        // this frame resumes, see `FRAME_FINISH`), so a coroutine can
        // yield inside it; a native one is called here. The pc is saved.
        macro_rules! step {
            ($s:expr) => {{
                let v = match $s {
                    Step::Done(v) => v,
                    Step::Call(h, args, n) => {
                        if let Value::LuaFn(_) = h {
                            let scratch = base + maxr;
                            interp::push_meta_frame(st, fi, scratch, h, &args[..n])?;
                            fresh = true;
                            continue 'frame;
                        }
                        st.call1(h, &args[..n])?
                    }
                };
                refresh!();
                v
            }};
        }
        macro_rules! r {
            ($x:expr) => {{
                debug_assert!(regs.is_of(st, base));
                regs.get($x)
            }};
        }
        macro_rules! w {
            ($x:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(regs.is_of(st, base));
                regs.set($x, v)
            }};
        }
        // `R[x] := v` for a `v` just built as a number: tag and payload
        // stored from where the number is (see lua-runtime's `value` docs).
        macro_rules! wn {
            ($x:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(regs.is_of(st, base));
                Value::store_number(regs.slot($x), v)
            }};
        }
        macro_rules! rk {
            ($v:expr) => {
                match $v {
                    RK::R(x) => r!(x),
                    RK::K(i) => k[i as usize],
                }
            };
        }
        // `$y` is an expression giving `&Value` (a register, a constant).
        macro_rules! arith {
            ($op:expr, $dst:expr, $a:expr, $y:expr, $ia:expr, $ib:expr) => {{
                // The fast result is stored in its own branch: joining it
                // with the slow path's `LuaResult` would route the value
                // through memory.
                if let Some(v) = arith_fast($op, regs.get_ref($a), $y) {
                    wn!($dst, v);
                } else {
                    let y = *$y;
                    save_pc!();
                    let x = r!($a);
                    let v = step!(arith_slow(st, $op, x, y, $ia, $ib)?);
                    w!($dst, v);
                }
            }};
        }
        // `t[key] = v`: the raw store first, then the full path.
        macro_rules! set_into {
            ($t:expr, $key:expr, $v:expr, $info:expr) => {{
                let (t, key, v) = ($t, $key, $v);
                if !matches!(key, Value::Int(_)) {
                    // `raw_set` may raise "index is nil/NaN" at this pc.
                    save_pc!();
                }
                if !set_fast(st, t, key, v)? {
                    save_pc!();
                    step!(set_index_slow(st, t, key, v, $info)?);
                }
            }};
        }
        // `R[dst] := t[key]`: the raw `lookup` first, then the full path.
        macro_rules! get_into {
            ($dst:expr, $t:expr, $key:expr, $lookup:expr, $info:expr) => {{
                // Written out here, not as a shared helper returning
                // `Option<Value>`: that shape cost `array_rw` 7% more
                // instructions (the value took a detour through memory).
                // The shared parts are `index_class` and `index_slow`.
                let t: Value = $t;
                let fast = if let Value::Table(tab) = t {
                    let v: Value = ($lookup)(tab);
                    if !v.is_nil() || tab.metatable().is_none() {
                        w!($dst, v);
                        true
                    } else {
                        false
                    }
                } else {
                    false
                };
                if !fast {
                    if let Some(v) = index_class(st, t, $key) {
                        w!($dst, v);
                    } else {
                        save_pc!();
                        let v = step!(index_slow(st, t, $key, $info)?);
                        w!($dst, v);
                    }
                }
            }};
        }
        // A conditional's outcome: integer and truthiness tests inline,
        // comparisons with metamethods as steps.
        macro_rules! test {
            ($t:expr) => {
                match eval_fast(regs, k, $t) {
                    Some(b) => b,
                    None => {
                        save_pc!();
                        step!(test_slow(st, base, k, $t)?).truthy()
                    }
                }
            };
        }
        // After a call completed (natives) or the frame on top changed.
        macro_rules! after_call {
            ($c:expr) => {
                match $c {
                    Called::Lua => {
                        fresh = true;
                        continue 'frame;
                    }
                    Called::Done(t) => {
                        *top = t;
                        refresh!();
                    }
                }
            };
        }
        // The common return, inline: a Lua frame with nothing to close
        // and no C-call level, into a Lua caller that wants at most the
        // values returned. Anything else goes to `interp::do_return`.
        macro_rules! quick_return {
            ($first:expr, $n:expr) => {{
                let (first, n): (usize, usize) = ($first, $n);
                let fr = &st.th.frames[fi];
                if let Ret::Normal { want } = fr.ret
                    && (want < 0 || want as usize <= n)
                    && fr.flags & FRAME_CCALL == 0
                    && !cl.shape.needs_close
                    && fi > 0
                    && matches!(st.th.frames[fi - 1].func_fn, FrameFn::Lua(_))
                {
                    let func = fr.func;
                    let count = if want < 0 { n } else { want as usize };
                    st.th.frames.pop();
                    // `first > func`: copying downwards never overwrites a
                    // result not yet moved; all of them lie below the
                    // stack's length.
                    debug_assert!(first > func && first + count <= st.th.stack.len());
                    let stack = st.th.stack.as_mut_ptr();
                    // SAFETY (both branches): the slots are below the
                    // stack's length (asserted above).
                    if count == 1 {
                        // The usual case, without the loop's setup.
                        unsafe { *stack.add(func) = *stack.add(first) };
                    } else {
                        for i in 0..count {
                            unsafe { *stack.add(func + i) = *stack.add(first + i) };
                        }
                    }
                    let end = func + count;
                    *top = end;
                    fi -= 1;
                    let caller = &st.th.frames[fi];
                    if let FrameFn::Lua(c) = caller.func_fn
                        && caller.ip != 0
                        && caller.flags & FRAME_FINISH == 0
                    {
                        // Resume the caller after its call instruction.
                        let (cbase, cip) = (caller.base, caller.ip);
                        let ext = (cbase + c.shape.max_registers as usize).max(end);
                        interp::fill_nil_to(&mut st.th.stack, ext);
                        enter!(c, cbase, window::after(cip));
                        continue;
                    }
                    ret_end = Some(end);
                    fresh = false;
                    continue 'frame;
                }
                // The return of the frame `execute` started (a native or
                // the host calling Lua: a sort comparator, a metamethod
                // through `State::call`): results to the host, done.
                if let Ret::Host { want } = fr.ret
                    && fi == boundary
                    && fr.flags & FRAME_CCALL == 0
                    && !cl.shape.needs_close
                {
                    let func = fr.func;
                    st.th.frames.pop();
                    *top = interp::move_results(st, func, want, first, n, 0);
                    return Ok(());
                }
            }};
        }
        macro_rules! returned {
            ($t:expr) => {{
                *top = $t;
                if st.th.frames.len() <= boundary {
                    return Ok(());
                }
                fresh = false;
                continue 'frame;
            }};
        }

        loop {
            // Matched by reference so each arm loads only its own operands.
            let op: &Op = window::fetch(ip);
            match op {
                &Op::Move { dst, src } => w!(dst, r!(src)),
                &Op::LoadI { dst, value } => wn!(dst, Value::Int(value as i64)),
                &Op::LoadF { dst, value } => wn!(dst, Value::Float(value as f64)),
                &Op::LoadK { dst, k: kk } => w!(dst, k[kk as usize]),
                &Op::LoadFalse { dst } => w!(dst, Value::Bool(false)),
                &Op::LoadTrue { dst } => w!(dst, Value::Bool(true)),
                &Op::LoadNil { dst, n } => {
                    for i in 0..n {
                        w!(dst + i, Value::Nil);
                    }
                }
                &Op::GetUpval { dst, up } => {
                    w!(dst, st.upval_get(cl.upvals[up as usize]));
                }
                &Op::SetUpval { up, src } => {
                    let v = r!(src);
                    st.upval_set(cl.upvals[up as usize], v);
                }
                &Op::GetTabUp { dst, up, key } => {
                    let t = st.upval_get(cl.upvals[up as usize]);
                    let key = k[key as usize];
                    get_into!(
                        dst,
                        t,
                        key,
                        |tab: Gc<Table>| tab.get_str(key),
                        VarInfo::Upval(up)
                    );
                }
                &Op::GetTable { dst, obj, key } => {
                    let (t, kv) = (r!(obj), r!(key));
                    get_into!(
                        dst,
                        t,
                        kv,
                        |tab: Gc<Table>| raw_get(tab, kv),
                        VarInfo::Reg(obj)
                    );
                }
                &Op::GetI { dst, obj, index } => {
                    let t = r!(obj);
                    let kv = Value::Int(index as i64);
                    let lookup = |tab: Gc<Table>| tab.get_int(index as i64);
                    get_into!(dst, t, kv, lookup, VarInfo::Reg(obj));
                }
                &Op::GetField { dst, obj, key } => {
                    let t = r!(obj);
                    let kv = k[key as usize];
                    get_into!(
                        dst,
                        t,
                        kv,
                        |tab: Gc<Table>| tab.get_str(kv),
                        VarInfo::Reg(obj)
                    );
                }
                &Op::SetTabUp { up, key, val } => {
                    let t = st.upval_get(cl.upvals[up as usize]);
                    let v = rk!(val);
                    set_into!(t, k[key as usize], v, VarInfo::Upval(up));
                }
                &Op::SetTable { obj, key, val } => {
                    let (t, kv, v) = (r!(obj), r!(key), rk!(val));
                    set_into!(t, kv, v, VarInfo::Reg(obj));
                }
                &Op::SetI { obj, index, val } => {
                    let (t, v) = (r!(obj), rk!(val));
                    set_into!(t, Value::Int(index as i64), v, VarInfo::Reg(obj));
                }
                &Op::SetField { obj, key, val } => {
                    let (t, v) = (r!(obj), rk!(val));
                    set_into!(t, k[key as usize], v, VarInfo::Reg(obj));
                }
                &Op::NewTable { dst, array, hash } => {
                    let t = st.new_table_with(array as usize, hash as usize);
                    w!(dst, Value::Table(t));
                    save_pc!();
                    st.gc_check();
                    refresh!();
                }
                &Op::Method { dst, obj, key } => {
                    let t = r!(obj);
                    let kv = k[key as usize];
                    w!(dst + 1, t);
                    get_into!(
                        dst,
                        t,
                        kv,
                        |tab: Gc<Table>| tab.get_str(kv),
                        VarInfo::Reg(obj)
                    );
                }
                &Op::Add { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Add, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Sub { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Sub, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Mul { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Mul, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Mod { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Mod, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Pow { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Pow, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Div { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Div, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::IDiv { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::IDiv, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::BAnd { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::BAnd, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::BOr { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::BOr, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::BXor { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::BXor, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Shl { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Shl, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::Shr { dst, a, b } => {
                    let y = regs.get_ref(b);
                    arith!(ArithOp::Shr, dst, a, y, VarInfo::Reg(a), VarInfo::Reg(b))
                }
                &Op::AddK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::Add, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::SubK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::Sub, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::MulK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::Mul, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::ModK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::Mod, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::PowK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::Pow, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::DivK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::Div, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::IDivK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::IDiv, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::BAndK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::BAnd, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::BOrK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::BOr, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::BXorK { dst, a, k: kk } => {
                    let y = &k[kk as usize];
                    arith!(ArithOp::BXor, dst, a, y, VarInfo::Reg(a), VarInfo::None)
                }
                &Op::AddI { dst, a, imm } => {
                    let x = r!(a);
                    if let Value::Int(i) = x {
                        wn!(dst, Value::Int(i.wrapping_add(imm as i64)));
                    } else {
                        let y = Value::Int(imm as i64);
                        arith!(ArithOp::Add, dst, a, &y, VarInfo::Reg(a), VarInfo::None)
                    }
                }
                &Op::SubI { dst, a, imm } => {
                    let x = r!(a);
                    if let Value::Int(i) = x {
                        wn!(dst, Value::Int(i.wrapping_sub(imm as i64)));
                    } else {
                        let y = Value::Int(imm as i64);
                        arith!(ArithOp::Sub, dst, a, &y, VarInfo::Reg(a), VarInfo::None)
                    }
                }
                &Op::ShlI { dst, a, imm } | &Op::ShrI { dst, a, imm } => {
                    let aop = interp::arith_op(op);
                    let (x, y) = (r!(a), Value::Int(imm as i64));
                    save_pc!();
                    let v = step!(arith_slow(st, aop, x, y, VarInfo::Reg(a), VarInfo::None)?);
                    w!(dst, v);
                }
                &Op::Unm { dst, src } => {
                    let x = r!(src);
                    let v = match x {
                        Value::Int(i) => Value::Int(i.wrapping_neg()),
                        Value::Float(f) => Value::Float(-f),
                        _ => {
                            save_pc!();
                            let i = VarInfo::Reg(src);
                            step!(arith_slow(st, ArithOp::Unm, x, x, i, i)?)
                        }
                    };
                    wn!(dst, v);
                }
                &Op::BNot { dst, src } => {
                    let x = r!(src);
                    let v = match x {
                        Value::Int(i) => Value::Int(!i),
                        _ => {
                            save_pc!();
                            let i = VarInfo::Reg(src);
                            step!(arith_slow(st, ArithOp::BNot, x, x, i, i)?)
                        }
                    };
                    wn!(dst, v);
                }
                &Op::Not { dst, src } => w!(dst, Value::Bool(!r!(src).truthy())),
                &Op::Len { dst, src } => {
                    let x = r!(src);
                    let v = match x {
                        Value::Str(s) => Value::Int(s.len() as i64),
                        Value::Table(t) if t.metatable().is_none() => Value::Int(t.len()),
                        _ => {
                            save_pc!();
                            step!(st.len_step(x, VarInfo::Reg(src))?)
                        }
                    };
                    wn!(dst, v);
                }
                &Op::Concat { first, n } => {
                    save_pc!();
                    let v = st.concat(base + first as usize, n as usize, first)?;
                    refresh!();
                    w!(first, v);
                    st.gc_check();
                    refresh!();
                }
                &Op::Close { from } => {
                    save_pc!();
                    interp::close_all(st, base + from as usize, None)?;
                    refresh!();
                }
                &Op::Tbc { reg } => {
                    save_pc!();
                    interp::mark_tbc(st, &cl.p.proto, base, reg, pc!() as u32)?;
                    refresh!();
                }
                &Op::Call {
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
                    save_pc!();
                    if let Value::LuaFn(c) = *regs.get_ref(func) {
                        let nb = interp::push_lua_frame(st, c, fa, na, Ret::Normal { want }, 0)?;
                        fi += 1;
                        enter_start!(c, nb);
                        continue;
                    }
                    if let Value::Native(nf) = *regs.get_ref(func)
                        && nf.kind == NativeKind::Plain
                    {
                        let ret = Ret::Normal { want };
                        *top = interp::call_native(st, nf, fa, na, ret, 0, base + maxr)?;
                        refresh!();
                    } else {
                        let c = interp::precall(
                            st,
                            fa,
                            na,
                            Ret::Normal { want },
                            0,
                            VarInfo::Reg(func),
                        )?;
                        after_call!(c);
                    }
                }
                &Op::TailCall { func, nargs } => {
                    let fa = base + func as usize;
                    let na = if nargs == MULTRET {
                        *top - fa - 1
                    } else {
                        nargs as usize
                    };
                    save_pc!();
                    match interp::tail_call(st, fa, na, func)? {
                        TailCalled::Lua => {
                            // The callee's frame replaced this one (same
                            // index): enter it in place.
                            let fr = &st.th.frames[fi];
                            if let FrameFn::Lua(c) = fr.func_fn {
                                let nb = fr.base;
                                enter_start!(c, nb);
                                continue;
                            }
                            fresh = true;
                            continue 'frame;
                        }
                        TailCalled::Returned(t) => returned!(t),
                    }
                }
                &Op::Return { first, n } => {
                    let f = base + first as usize;
                    let n = if n == MULTRET { *top - f } else { n as usize };
                    quick_return!(f, n);
                    save_pc!();
                    let t = interp::do_return(st, f, n)?;
                    returned!(t);
                }
                &Op::Return0 => {
                    quick_return!(base, 0);
                    save_pc!();
                    let t = interp::do_return(st, base, 0)?;
                    returned!(t);
                }
                &Op::Return1 { src } => {
                    quick_return!(base + src as usize, 1);
                    save_pc!();
                    let t = interp::do_return(st, base + src as usize, 1)?;
                    returned!(t);
                }
                &Op::Vararg { dst, n } => {
                    let f = st.th.frames[fi];
                    if let Some(t) = interp::vararg(st, &f, cl.shape.num_params as usize, dst, n) {
                        *top = t;
                    }
                    refresh!();
                }
                &Op::Closure { dst, proto: pi } => {
                    let c = interp::make_closure(st, cl, &cl.p.children[pi as usize], base);
                    refresh!();
                    w!(dst, Value::LuaFn(c));
                    save_pc!();
                    st.gc_check();
                    refresh!();
                }
                &Op::SetList { table, n, offset } => {
                    interp::set_list(st, base, maxr, table, n, offset, *top);
                    refresh!();
                }
                &Op::Jmp { target } => {
                    ip = window::at(code, target as usize);
                    continue;
                }
                // The test is read in place from the instruction (a copy
                // would go through the stack to be passed by reference).
                Op::JumpIf { test, target } => {
                    let target = *target;
                    if test!(test) {
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
                Op::JumpIfNot { test, target } => {
                    let target = *target;
                    if !test!(test) {
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
                &Op::ForPrep { base: b, target } => {
                    save_pc!();
                    let go = interp::for_prep(st, base + b as usize)?;
                    refresh!();
                    if !go {
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
                &Op::ForLoop { base: b, target } => {
                    let regs = regs.for_regs(b);
                    if let (Value::Int(i), Value::Int(count), Value::Int(step)) =
                        (regs[0], regs[1], regs[2])
                    {
                        if count != 0 {
                            let ni = i.wrapping_add(step);
                            Value::store_int(&mut regs[1], count - 1);
                            Value::store_int(&mut regs[0], ni);
                            Value::store_int(&mut regs[3], ni);
                            ip = window::at(code, target as usize);
                            continue;
                        }
                    } else if interp::for_step(regs) {
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
                &Op::TForPrep { base: b, target } => {
                    save_pc!();
                    interp::tfor_prep(st, base + b as usize)?;
                    refresh!();
                    ip = window::at(code, target as usize);
                    continue;
                }
                &Op::TForCall { base: b, nvars } => {
                    let ra = base + b as usize;
                    save_pc!();
                    let c = interp::tfor_call(st, ra, nvars, base + maxr)?;
                    after_call!(c);
                }
                &Op::TForLoop { base: b, target } => {
                    let v = r!(b + 4);
                    if !v.is_nil() {
                        w!(b + 2, v);
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
            }
            ip = ip.wrapping_add(1);
        }
    }
}

/// A conditional's test when it needs no call: `None` for the rest.
#[inline(always)]
fn eval_fast(regs: Window, k: &[Value], t: &Test) -> Option<bool> {
    match *t {
        Test::Truthy(a) => Some(regs.get(a).truthy()),
        Test::Lt(a, b) => match (regs.get(a), regs.get(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x < y),
            (Value::Float(x), Value::Float(y)) => Some(x < y),
            _ => None,
        },
        Test::Le(a, b) => match (regs.get(a), regs.get(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x <= y),
            (Value::Float(x), Value::Float(y)) => Some(x <= y),
            _ => None,
        },
        Test::Eq(a, b) => match (regs.get(a), regs.get(b)) {
            (Value::Int(x), Value::Int(y)) => Some(x == y),
            _ => None,
        },
        Test::EqK(a, kk) => Some(regs.get(a).raw_eq(&k[kk as usize])),
        Test::EqI(a, i) => match regs.get(a) {
            Value::Int(x) => Some(x == i as i64),
            v => Some(v.raw_eq(&Value::Int(i as i64))),
        },
        Test::LtI(a, i) => match regs.get(a) {
            Value::Int(x) => Some(x < i as i64),
            _ => None,
        },
        Test::LeI(a, i) => match regs.get(a) {
            Value::Int(x) => Some(x <= i as i64),
            _ => None,
        },
        Test::GtI(a, i) => match regs.get(a) {
            Value::Int(x) => Some(x > i as i64),
            _ => None,
        },
        Test::GeI(a, i) => match regs.get(a) {
            Value::Int(x) => Some(x >= i as i64),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn instructions_are_small() {
        assert_eq!(std::mem::size_of::<lua_bytecode::Op>(), 8);
    }
}
