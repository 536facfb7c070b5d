//! The run loop around an executor's walk: [`execute`] (the
//! [`Executor::call`](crate::Executor::call) contract) and [`resume`]
//! ([`Executor::resume`](crate::Executor::resume)), the same for every
//! executor. What differs between executors is the walk they pass in.
//!
//! A walk runs the Lua frames on top of the frame stack until the frame
//! count drops to `boundary` (`Ok`) or an error escapes (`Err`); the loop
//! here sends the error to [`handle_error`], which resumes the walk in the
//! caller of the protected frame that catches it, or unwinds everything
//! the call pushed. A coroutine's yield is an error too (its sentinel,
//! with `State::yielding` set): only the coroutine's own loop sees it,
//! and stops with the frames as they are.

use crate::error::{LuaError, LuaResult};
use crate::state::State;
use crate::value::Value;
use crate::vm::executor::Resumed;
use crate::vm::frame::{FrameFlags, Ret};
use crate::vm::interp::{self, Called, ResumeStart, handle_error};
use crate::vm::ops::VarInfo;

/// An executor's walk: `walk(st, boundary, top, fresh)` runs the frames
/// above `boundary`. `top` is the stack top the last call left (where a
/// `MULTRET` operand ends), kept across calls of the walk. `fresh`: the
/// frame on top has not started yet (else it resumes after the
/// instruction it saved).
pub trait Walk: Fn(&mut State, usize, &mut usize, bool) -> LuaResult<()> {}
impl<F: Fn(&mut State, usize, &mut usize, bool) -> LuaResult<()>> Walk for F {}

/// How one instantiation of an executor's walk stopped.
pub enum Walked {
    /// The frame count dropped to the boundary.
    Done,
    /// The running thread's hook mask was set or cleared: go on in the
    /// other instantiation (`fresh` as for [`Walk`]).
    Switch { fresh: bool },
}

/// An executor's walk built from its two instantiations: `plain` never
/// looks at hooks, `hooked` raises their events ([`crate::vm::hook`]).
/// Each returns [`Walked::Switch`] when the mask no longer suits it.
#[inline(always)]
pub fn hookable(
    st: &mut State,
    boundary: usize,
    top: &mut usize,
    mut fresh: bool,
    plain: impl Fn(&mut State, usize, &mut usize, bool) -> LuaResult<Walked>,
    hooked: impl Fn(&mut State, usize, &mut usize, bool) -> LuaResult<Walked>,
) -> LuaResult<()> {
    loop {
        let r = if st.th.hook.mask.is_empty() {
            let r = plain(st, boundary, top, fresh)?;
            if let (Walked::Switch { fresh: false }, Some(f)) = (&r, st.th.frames.last()) {
                // A hook was just set (by a native the frame on top
                // called): its next instruction is traced against the
                // call, as after any return.
                st.th.hook.old_pc = f.current_pc();
            }
            r
        } else {
            hooked(st, boundary, top, fresh)?
        };
        match r {
            Walked::Done => return Ok(()),
            Walked::Switch { fresh: f } => fresh = f,
        }
    }
}

/// What a run loop unwinds to: the frame and cursor counts when it
/// started, and the `Executor::call` arguments.
#[derive(Clone, Copy)]
struct Boundary {
    frames: usize,
    cursors: usize,
    func: usize,
    flags: FrameFlags,
}

/// Run the call at `func` to completion with `walk` (the `Executor::call`
/// contract).
#[inline(always)]
pub fn execute(
    st: &mut State,
    func: usize,
    nresults: i32,
    flags: FrameFlags,
    walk: impl Walk,
) -> LuaResult<()> {
    let b = Boundary {
        frames: st.th.frames.len(),
        cursors: st.th.cursors.len(),
        func,
        flags,
    };
    let nargs = st.th.stack.len() - func - 1;
    let ret = Ret::Host { want: nresults };
    let first = if let Value::LuaFn(c) = st.th.stack[func] {
        interp::push_lua_frame(st, c, func, nargs, ret, flags & FrameFlags::TRACEBACK)
            .map(|_| Called::Lua)
    } else {
        interp::precall(
            st,
            func,
            nargs,
            ret,
            flags & FrameFlags::TRACEBACK,
            VarInfo::None,
        )
    };
    match first {
        Ok(Called::Done(_)) => Ok(()),
        // The common case straight into the walk (natives calling Lua,
        // e.g. a sort comparator, come here once per call); the loop only
        // when an error has to unwind.
        Ok(Called::Lua) => {
            let mut top = 0;
            match walk(st, b.frames, &mut top, true) {
                Ok(()) => Ok(()),
                Err(e) => run_loop(st, Some(e), top, true, b, &walk),
            }
        }
        Err(e) => run_loop(st, Some(e), 0, true, b, &walk),
    }
}

/// Run frames above `b.frames` until they return to it; errors go to the
/// nearest protected frame above it, or out.
fn run_loop(
    st: &mut State,
    mut pending: Option<LuaError>,
    mut top: usize,
    mut fresh: bool,
    b: Boundary,
    walk: &impl Walk,
) -> LuaResult<()> {
    loop {
        if let Some(e) = pending.take() {
            if st.yielding {
                // Only a coroutine's own loop sees this (yields elsewhere
                // are refused): stop with the frames as they are.
                return Err(e);
            }
            match handle_error(st, e, b.frames, b.cursors, b.func, b.flags) {
                Ok(Some(t)) => top = t,
                Ok(None) => return Ok(()),
                Err(e) => return Err(e),
            }
            // The frame on top is the caller of the pcall that caught it.
            fresh = false;
        }
        if st.th.frames.len() <= b.frames {
            return Ok(());
        }
        match walk(st, b.frames, &mut top, fresh) {
            Ok(()) => return Ok(()),
            Err(e) => pending = Some(e),
        }
    }
}

/// Run the coroutine whose stacks are in `st.th` with `walk` (the
/// `Executor::resume` contract).
pub fn resume(st: &mut State, nargs: usize, walk: impl Walk) -> LuaResult<Resumed> {
    let (top, pending, fresh) = match interp::resume_start(st, nargs) {
        ResumeStart::Returned => return Ok(Resumed::Returned),
        ResumeStart::Run {
            top,
            pending,
            fresh,
        } => (top, pending, fresh),
    };
    let b = Boundary {
        frames: 0,
        cursors: 0,
        func: 0,
        flags: FrameFlags::empty(),
    };
    match run_loop(st, pending, top, fresh, b, &walk) {
        Ok(()) => Ok(Resumed::Returned),
        Err(_) if st.yielding => Ok(Resumed::Yielded),
        Err(e) => Err(e),
    }
}
