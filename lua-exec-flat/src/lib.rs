//! lua-exec-flat: the fast executor. It runs the *flat* form of
//! lua-bytecode (`Proto::flat()`: one instruction array with resolved jump
//! targets) with a program counter and implements
//! [`lua_runtime::Executor`].
//!
//! It is not a compiler and holds no semantics of its own: values,
//! operators, metamethods, calls, returns, protected frames, error
//! unwinding and the library all live in lua-runtime (the shared call
//! protocol is [`lua_runtime::vm::interp`], the loop around the walk
//! [`lua_runtime::vm::run`]); what this crate owns is how an instruction is
//! fetched and how control moves: the dispatch loop, jumps, loops, calls
//! and returns. The other instructions' bodies are lua-runtime's
//! `vm_instructions!` macro, shared with the tree executor and expanded
//! here with this loop's register access.
//!
//! # How the loop works
//!
//! Frames live on the thread's heap frame stack; a flat frame needs only
//! its saved instruction address. The walk keeps the running frame's
//! state in locals (closure, code, constants, `base`, the instruction
//! pointer) and reloads them only when the
//! frame on top changes: a Lua→Lua call pushes a frame and the loop
//! carries on in the callee, a return pops it and the loop resumes the
//! caller after its call instruction. Nothing recurses on the Rust stack
//! for Lua calls, so a recursion 200,000 deep works, a runaway one ends in
//! the catchable "stack overflow", and `return f()` reuses the frame.
//! `pcall`/`xpcall` are protected native frames in the same loop; an error
//! unwinds to the nearest one above the frame this `call` started with.
//!
//! The instruction being executed (line information and variable names
//! are keyed by its index) is kept in a local and stored in the frame only
//! before something that can raise an error or call out (slow paths,
//! calls), which is all anyone reads it for. The loop stores its address
//! (`CallFrame::ip`; `CallFrame::current_pc` derives the index), so
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
//! completes when its frame resumes (`FrameFlags::FINISH`).
//!
//! The measured reasons behind the shape of the loop (operands read by
//! reference, fast results stored in their own branch, no whole-struct
//! copies of freshly written frames) are in docs/PERFORMANCE.md. Registers
//! are read through a `regs::Window` (lua-runtime), a pointer to the frame's
//! first register kept in a local and re-made after every call out of the
//! loop, which may move the stack. The crate's own `unsafe` is in `window`
//! (the instruction pointer, the running closure's code and constants)
//! and in the register-access macros of the loop, each with the invariant
//! that makes it sound.
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

// Every narrowing `as` is either fixed or states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

mod window;

use lua_bytecode::{Op, Test};
use lua_runtime::error::LuaResult;
use lua_runtime::vm::executor::Resumed;
use lua_runtime::vm::fast::{test_fast, test_slow};
use lua_runtime::vm::frame::{FrameFlags, FrameFn, Ret, pc_of_index};
use lua_runtime::vm::hook;
use lua_runtime::vm::interp::{self, Called, Finish};
use lua_runtime::vm::regs::Window;
use lua_runtime::vm::run::{self, Walked};
use lua_runtime::{Executor, State, Value};

/// The flat (program-counter) executor.
#[derive(Clone, Copy, Debug, Default)]
pub struct FlatExecutor;

impl Executor for FlatExecutor {
    fn name(&self) -> &'static str {
        "flat"
    }

    fn runs_flat_code(&self) -> bool {
        true
    }

    fn call(&self, st: &mut State, func: usize, nresults: i32, flags: FrameFlags) -> LuaResult<()> {
        run::execute(st, func, nresults, flags, walk)
    }

    fn resume(&self, st: &mut State, nargs: usize) -> LuaResult<Resumed> {
        run::resume(st, nargs, walk)
    }
}

/// Run Lua frames from the one on top until the frame count drops to
/// `boundary` (`Ok`) or an error escapes (`Err`; the caller unwinds).
/// `fresh`: the frame on top has not started yet (else it resumes after
/// the call instruction at its saved pc).
fn walk(st: &mut State, boundary: usize, top: &mut usize, fresh: bool) -> LuaResult<()> {
    run::hookable(st, boundary, top, fresh, walk_in::<false>, walk_in::<true>)
}

/// The walk, plain (`HOOKS == false`: no hook is set, nothing looks at
/// them) or hooked (every instruction, call and return raises its debug
/// hook events; see lua-runtime's `vm::hook`). Each hands over to the
/// other when the hook mask changes.
fn walk_in<const HOOKS: bool>(
    st: &mut State,
    boundary: usize,
    top: &mut usize,
    mut fresh: bool,
) -> LuaResult<Walked> {
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
        // SAFETY: `cl` is the closure of the frame on top; `enter!`
        // replaces both whenever the running frame changes.
        let (mut code, mut k) = unsafe { window::frame_parts(cl) };
        let mut maxr = cl.shape.max_registers as usize;
        // lua-bytecode guarantees it (`FlatCode`); `window::fetch` relies on it.
        debug_assert!(lua_bytecode::ends_closed(code));
        // The instruction pointer; `cur_pc!()` is its index (the frame's pc).
        // A frame resuming after a call continues after the instruction
        // whose address `save_pc!` stored with the pc: one load from the
        // frame, not the walk closure -> prototype -> code.
        let mut ip = if fresh {
            window::at(code, 0)
        } else if saved_ip != 0 {
            window::after(saved_ip)
        } else {
            // After the instruction at the saved pc (`NOT_STARTED` wraps to
            // the first: a frame a native's continuation pushed).
            window::at(code, saved_pc.wrapping_add(1) as usize)
        };
        if let Some(end) = ret_end.take() {
            // As `post_call`: the caller's registers, or up to the results.
            // (A longer stack stays: see `interp::extend_nil_to`.)
            interp::extend_nil_to(&mut st.th.stack, (base + maxr).max(end));
        }
        if HOOKS == st.th.hook.mask.is_empty() {
            return Ok(Walked::Switch { fresh });
        }
        // A frame pushed behind the loop's back (a native's continuation,
        // a pcall's `__close` handler) starts here too: its call event.
        if HOOKS && (fresh || (saved_ip == 0 && saved_pc == lua_runtime::vm::frame::NOT_STARTED)) {
            hook::call(st, fi)?;
        }
        // The register window; re-made after every call out of the loop
        // (`refresh!`), since a call may move the stack (see `Window`).
        let mut regs = Window::of(st, base);
        // Switch the locals to closure `$c`'s frame at `$base` (its frame
        // is the top of the frame stack) at instruction pointer `$ip`.
        macro_rules! enter {
            ($c:expr, $base:expr, $ip:expr) => {{
                cl = $c;
                // SAFETY: `cl`'s frame is now the one on top.
                (code, k) = unsafe { window::frame_parts(cl) };
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
                // SAFETY: `c`'s frame was just pushed; `ccode` is used at
                // once, while it is on top.
                let (ccode, _) = unsafe { window::frame_parts(c) };
                enter!(c, $base, window::at(ccode, 0));
            }};
        }
        // Register access through the window; every use is in the running
        // frame, whose registers lie inside the stack, with the window
        // re-made after every call out of the loop (`refresh!`): the
        // `Window` invariant.
        macro_rules! reg {
            ($x:expr) => {{
                debug_assert!(regs.is_of(st, base));
                // SAFETY: see above.
                unsafe { regs.get_ref($x) }
            }};
        }
        macro_rules! r {
            ($x:expr) => {{
                debug_assert!(regs.is_of(st, base));
                // SAFETY: see above.
                unsafe { regs.get($x) }
            }};
        }
        macro_rules! w {
            ($x:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(regs.is_of(st, base));
                // SAFETY: see above.
                unsafe { regs.set($x, v) }
            }};
        }
        // `R[x] := v` for a `v` just built as a number: tag and payload
        // stored from where the number is (see lua-runtime's `value` docs).
        macro_rules! wn {
            ($x:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(regs.is_of(st, base));
                // SAFETY: see above.
                Value::store_number(unsafe { regs.slot($x) }, v)
            }};
        }
        if !fresh && flags.contains(FrameFlags::FINISH) {
            // A metamethod frame returned: its result (just above the
            // registers) completes the instruction at the saved pc.
            match finish(st, fi, (base, maxr), code, (saved_pc, saved_ip), top)? {
                Some(next) => {
                    ip = next;
                    // The completion may have moved the stack.
                    regs = Window::of(st, base);
                }
                None => {
                    fresh = true;
                    continue 'frame;
                }
            }
        }

        macro_rules! refresh {
            () => {
                regs = Window::of(st, base)
            };
        }
        macro_rules! save_pc {
            () => {{
                // The address only: `CallFrame::current_pc` derives the
                // index from it for whoever needs one (errors, tracebacks).
                debug_assert!(fi < st.th.frames.len());
                // SAFETY: `fi` is the running frame's index, below the
                // frame stack's height while the frame runs.
                unsafe { st.th.frames.get_unchecked_mut(fi) }.ip = ip as usize;
            }};
        }
        macro_rules! cur_pc {
            () => {
                pc_of_index(window::index_of(code, ip))
            };
        }
        // A Lua metamethod's frame was pushed: run it; or a native one
        // already returned into this frame: complete the instruction.
        macro_rules! suspend {
            () => {{
                fresh = st.th.frames.len() - 1 != fi;
                continue 'frame;
            }};
        }
        // A conditional's outcome: integer and truthiness tests inline,
        // comparisons with metamethods as steps.
        macro_rules! test {
            ($t:expr) => {{
                let read = |x| r!(x);
                // SAFETY: `k` and the test are the running function's,
                // which `verify` checked.
                match unsafe { test_fast(read, k, $t) } {
                    Some(b) => b,
                    None => {
                        save_pc!();
                        let s = test_slow(st, base, k, $t)?;
                        lua_runtime::vm_step!(st, fi, base, maxr, s).truthy()
                    }
                }
            }};
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
        // The common return, inline (`interp::quick_return`), into a Lua
        // caller resumed in place, or to the host that started this loop.
        // Anything else goes to `interp::do_return`.
        macro_rules! quick_return {
            ($first:expr, $n:expr) => {{
                let (first, n): (usize, usize) = ($first, $n);
                if let Some(end) =
                    interp::quick_return(st, fi, boundary, cl.shape.needs_close, (first, n), top)
                {
                    fi -= 1;
                    let caller = &st.th.frames[fi];
                    if let FrameFn::Lua(c) = caller.func_fn
                        && caller.ip != 0
                        && !caller.flags.contains(FrameFlags::FINISH)
                    {
                        // Resume the caller after its call instruction.
                        let (cbase, cip) = (caller.base, caller.ip);
                        let ext = (cbase + c.shape.max_registers as usize).max(end);
                        interp::extend_nil_to(&mut st.th.stack, ext);
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
                let fr = &st.th.frames[fi];
                if let Ret::Host { want } = fr.ret
                    && fi == boundary
                    && !fr.flags.contains(FrameFlags::CCALL)
                    && !cl.shape.needs_close
                {
                    let func = fr.func;
                    st.th.frames.pop();
                    *top = interp::move_results(st, func, want, first, n, 0);
                    return Ok(Walked::Done);
                }
            }};
        }
        // A backward jump (every loop makes one): one tick of fuel, and
        // when it runs out, interrupts and limits are looked at
        // (`State::attend`, with the position saved).
        macro_rules! tick {
            () => {
                if st.tick() {
                    attend(st, fi, ip)?;
                }
            };
        }
        macro_rules! jump {
            ($target:expr) => {{
                let dest = window::at(code, $target as usize);
                if dest <= ip {
                    tick!();
                }
                ip = dest;
                continue;
            }};
        }
        // A conditional jump: the test is a constant of the arm, so
        // `test_fast`'s match on it folds away.
        macro_rules! cond_jump {
            ($t:expr, $when:expr, $target:expr) => {{
                let (t, when, target): (Test, bool, u32) = ($t, $when, $target);
                if test!(&t) == when {
                    jump!(target);
                }
            }};
        }
        macro_rules! before_call {
            () => {};
        }
        // `save_pc!` already recorded the instruction.
        macro_rules! save_resume {
            () => {};
        }
        // A Lua callee's frame was pushed: switch to it in place.
        macro_rules! enter_lua {
            ($c:expr, $base:expr) => {{
                fi += 1;
                if HOOKS {
                    // The frame entry raises the call event.
                    fresh = true;
                    continue 'frame;
                }
                enter_start!($c, $base);
                continue;
            }};
        }
        // The callee's frame replaced this one (same index): enter it in
        // place.
        macro_rules! tail_entered {
            () => {{
                let fr = &st.th.frames[fi];
                if let FrameFn::Lua(c) = fr.func_fn
                    && !HOOKS
                {
                    let nb = fr.base;
                    enter_start!(c, nb);
                    continue;
                }
                fresh = true;
                continue 'frame;
            }};
        }
        // A tail call replaced this frame with closure `$c`'s, pushed at
        // `$base` (plain walk only): enter it in place.
        macro_rules! tail_entered_lua {
            ($c:expr, $base:expr) => {{
                enter_start!($c, $base);
                continue;
            }};
        }
        macro_rules! returned {
            ($t:expr) => {{
                *top = $t;
                if st.th.frames.len() <= boundary {
                    return Ok(Walked::Done);
                }
                fresh = false;
                continue 'frame;
            }};
        }

        loop {
            if HOOKS && st.th.hook.needs_step() {
                save_pc!();
                hook::step(st, fi, cur_pc!())?;
                refresh!();
            }
            // SAFETY: `ip` stays inside the running frame's code (the
            // `window` module's invariant).
            let op: &Op = unsafe { window::fetch(ip) };
            lua_runtime::vm_instructions!(match op with (st, cl, k, base, maxr, fi, top, HOOKS) {
                &Op::Jmp { target } => jump!(target),
                &Op::JTruthy { a, when, target } => cond_jump!(Test::Truthy(a), when, target),
                &Op::JEq { a, b, when, target } => cond_jump!(Test::Eq(a, b), when, target),
                &Op::JLt { a, b, when, target } => cond_jump!(Test::Lt(a, b), when, target),
                &Op::JLe { a, b, when, target } => cond_jump!(Test::Le(a, b), when, target),
                &Op::JEqK { a, k: kk, when, target } => cond_jump!(Test::EqK(a, kk), when, target),
                &Op::JEqI { a, imm, when, target } => cond_jump!(Test::EqI(a, imm), when, target),
                &Op::JLtI { a, imm, when, target } => cond_jump!(Test::LtI(a, imm), when, target),
                &Op::JLeI { a, imm, when, target } => cond_jump!(Test::LeI(a, imm), when, target),
                &Op::JGtI { a, imm, when, target } => cond_jump!(Test::GtI(a, imm), when, target),
                &Op::JGeI { a, imm, when, target } => cond_jump!(Test::GeI(a, imm), when, target),
                &Op::ForPrep { base: b, target } => {
                    // SAFETY: the loop's registers are the running frame's
                    // (see `reg!`).
                    if let Some(go) = interp::for_prep_int(unsafe { regs.for_regs(b) }) {
                        if !go {
                            ip = window::at(code, target as usize);
                            continue;
                        }
                        ip = ip.wrapping_add(1);
                        continue;
                    }
                    save_pc!();
                    let go = interp::for_prep(st, base + b as usize)?;
                    refresh!();
                    if !go {
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
                &Op::ForLoop { base: b, target } => {
                    // SAFETY: the loop's registers are the running frame's
                    // (see `reg!`).
                    let regs = unsafe { regs.for_regs(b) };
                    if let (Value::Int(i), Value::Int(count), Value::Int(step)) =
                        (regs[0], regs[1], regs[2])
                    {
                        if count != 0 {
                            let ni = i.wrapping_add(step);
                            Value::store_int(&mut regs[1], count - 1);
                            Value::store_int(&mut regs[0], ni);
                            Value::store_int(&mut regs[3], ni);
                            // Every 1024th iteration only, for 1024 units
                            // of fuel: the counter is in a register, the
                            // fuel two loads away.
                            if count & 1023 == 0 && st.tick_n(1024) {
                                attend(st, fi, ip)?;
                            }
                            ip = window::at(code, target as usize);
                            continue;
                        }
                    } else if interp::for_step(regs) {
                        tick!();
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
                    lua_runtime::vm_hooks_changed!(st, HOOKS);
                }
                &Op::TForLoop { base: b, target } => {
                    let v = r!(b + 4);
                    if !v.is_nil() {
                        w!(b + 2, v);
                        tick!();
                        ip = window::at(code, target as usize);
                        continue;
                    }
                }
            });
            ip = ip.wrapping_add(1);
        }
    }
}

/// The fuel ran out at instruction `ip` of frame `fi`: look at interrupts
/// and limits with the position saved. Out of line, so the check in the
/// loop is a decrement and a branch.
#[cold]
#[inline(never)]
fn attend(st: &mut State, fi: usize, ip: *const Op) -> lua_runtime::LuaResult<()> {
    st.th.frames[fi].ip = ip as usize;
    st.attend()
}

/// Complete the instruction frame `fi` was running when the metamethod
/// frame it started returned (`interp::finish_op`): where the frame goes
/// on, or `None` when another metamethod frame was pushed. Out of line:
/// the frame entry it sits in shares its function with the hot loop.
#[cold]
#[inline(never)]
fn finish(
    st: &mut State,
    fi: usize,
    frame: (usize, usize),
    code: &[Op],
    (saved_pc, saved_ip): (u32, usize),
    top: &mut usize,
) -> LuaResult<Option<*const Op>> {
    let at = if saved_ip != 0 {
        window::index_of(code, saved_ip as *const Op)
    } else {
        saved_pc as usize
    };
    let op = &code[at];
    // After the instruction: it falls through (a return, the only kind
    // that may be last, is never `Done`).
    let next = || window::at(code, at + 1);
    Ok(match interp::finish_op(st, fi, frame, op, top)? {
        Finish::Done => Some(next()),
        Finish::Again => Some(window::at(code, at)),
        Finish::Test(b) => Some(match op.as_cond_jump() {
            Some((_, when, target)) if b == when => window::at(code, target as usize),
            _ => next(),
        }),
        Finish::Suspended => None,
    })
}
