//! The `Executor` trait: what the runtime needs from an executor.
//!
//! An executor runs Lua code of the running thread. It is held by the
//! `State` as an `Rc<dyn Executor>` so a native function can call back into
//! Lua (`State::call`) while the executor itself is running: the `Rc` is
//! cloned out of the state and called with `&mut State`.

use crate::error::LuaResult;
use crate::state::State;

/// A strategy for running Lua functions (tree-walking, flat, ...).
pub trait Executor {
    /// Short name ("tree", "flat").
    fn name(&self) -> &'static str;

    /// Call the value at stack index `func` with the values above it (up to
    /// the stack's length) as arguments. On success the results replace the
    /// function and its arguments: the stack ends at `func + n`, where `n` is
    /// `nresults`, or every result when `nresults < 0`. On error the stack
    /// and frames are unwound to what they were before the call (the stack
    /// truncated to `func`), and the error is returned.
    ///
    /// `flags` may contain `thread::FRAME_TRACEBACK`: then an error that
    /// escapes carries a traceback captured at the point it was raised.
    fn call(&self, st: &mut State, func: usize, nresults: i32, flags: u8) -> LuaResult<()>;
}
