//! The `Executor` trait: what the runtime needs from an executor.
//!
//! An executor runs Lua code of the running thread. It is held by the
//! `State` as an `Rc<dyn Executor>` so a native function can call back into
//! Lua (`State::call`) while the executor itself is running: the `Rc` is
//! cloned out of the state and called with `&mut State`.

use crate::error::LuaResult;
use crate::state::State;
use crate::vm::frame::FrameFlags;

/// A strategy for running Lua functions (tree-walking, flat, ...).
pub trait Executor {
    /// Short name ("tree", "flat").
    fn name(&self) -> &'static str;

    /// Does this executor run the flat form of code (`Proto::flat`)? Then
    /// every closure gets its prototype's flat code when it is made
    /// (flattened once per prototype); otherwise none is built.
    fn runs_flat_code(&self) -> bool {
        false
    }

    /// Call the value at stack index `func` with the values above it (up to
    /// the stack's length) as arguments. On success the results replace the
    /// function and its arguments: the stack ends at `func + n`, where `n` is
    /// `nresults`, or every result when `nresults < 0`. On error the stack
    /// and frames are unwound to what they were before the call (the stack
    /// truncated to `func`), and the error is returned.
    ///
    /// `flags` may contain `thread::FRAME_TRACEBACK`: then an error that
    /// escapes carries a traceback captured at the point it was raised.
    fn call(&self, st: &mut State, func: usize, nresults: i32, flags: FrameFlags) -> LuaResult<()>;

    /// Run the coroutine whose stacks are in `st.th` (swapped in by
    /// `coroutine.resume`), with `nargs` resume arguments on top of its
    /// stack. First resume: the stack is `[f, args...]` and there are no
    /// frames. Later: the top frame is the native frame of the
    /// `coroutine.yield` that suspended it, and the arguments become that
    /// yield's results. `Ok(Yielded)`: the top frame is again a yield's
    /// frame, its arguments (the yielded values) above its `base`.
    /// `Ok(Returned)`: the body returned, every result from stack index 0.
    /// `Err`: the coroutine died with that error.
    fn resume(&self, st: &mut State, nargs: usize) -> LuaResult<Resumed> {
        let _ = nargs;
        Err(st.plain_error(format!(
            "coroutines are not supported by the {} executor",
            self.name()
        )))
    }
}

/// How a resumed coroutine stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resumed {
    Yielded,
    Returned,
}
