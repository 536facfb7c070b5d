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
//! Lua→Lua calls push a `CallFrame` on the
//! thread's frame stack and the loop carries on in the callee; a return pops
//! it and delivers the results where the frame says. Nested blocks do not
//! recurse either: each frame owns a slice of the thread's *cursor stack*
//! (`ThreadStacks::cursors`, from `frame.cursor_base`). A cursor is
//! `(sub, pos)`: `pos` is the position in the current block, `sub` says
//! which block of the control node at the parent cursor's position this is:
//! `0` the then-branch or loop body, `1` the else-branch, `2 + i` the `pre`
//! block of the `i`-th leaf (in order) of the node's condition, and
//! [`ITER`] the pending iterator call of a generic `for`. The first cursor
//! of a frame is the function body. The cursors are the frame's resumable
//! position; while a frame runs, the walk keeps its blocks and position in
//! locals and writes the cursors only when it enters or leaves a block or
//! may leave the frame (see the `walk` module for the shape of the loop).
//!
//! Conditions are trees of `and`/`or` over leaves; the walk evaluates one
//! leaf at a time (its `pre` block may call functions, so it must be able
//! to stop and resume) and [`cond_next`] tells which leaf comes next for a
//! leaf's outcome, or the condition's final value. Leaves whose `pre`
//! block and test complete on fast paths are evaluated in place, without
//! a cursor.
//!
//! `pcall`/`xpcall` push a protected native frame and call their function
//! in the same loop, so deep recursion inside pcall is fine; an error
//! unwinds the frames to the nearest protected one (above the frame that
//! entered this loop) or leaves the loop. The call/return/unwind protocol
//! itself is lua-runtime's `vm::interp` module, and the loop around the
//! walk (`vm::run`) is the flat executor's too.
//!
//! The instructions that are not control flow (moves, table access,
//! arithmetic, closures, ...) have one body for both executors, lua-runtime's
//! `vm_instructions!` macro, which the walk expands with its own register
//! access; what this crate writes itself is how a node is reached and what
//! happens at the end of a block.
//!
//! An `__index`, `__newindex`, `__len` or arithmetic metamethod written in
//! Lua runs as a frame too: the walk pushes it with the result slot just
//! above the caller's registers, marks the caller `FrameFlags::FINISH` and
//! leaves the cursor on the interrupted instruction; when the caller
//! resumes, the result completes that instruction. Such frames count against the C-call
//! limit, as PUC's `luaT_callTMres` calls do. A comparison metamethod
//! deciding a condition's leaf runs the same way (the leaf's outcome is
//! its result's truthiness). `__concat` and `__close` run through
//! `State::call`.
//!
//! Coroutines: `Executor::resume` continues a coroutine's frames after
//! `coroutine.resume` swapped its stacks in; a `coroutine.yield` stops the
//! loop with its native frame on top, which the next resume completes.
//!
//! Registers are read through lua-runtime's unchecked `vm::regs`
//! accessors (`unsafe fn`s); each use in this crate is a macro of the walk
//! or of `cond` that states the invariant making it sound (the register
//! belongs to the running frame). docs/PERFORMANCE.md has how fast the walk
//! is and why it is shaped as it is.
//!
//! ```
//! use std::rc::Rc;
//! let mut st = lua_runtime::State::new(Rc::new(lua_exec_tree::TreeExecutor));
//! let f = st.load(b"return 6 * 7", "=example", "t", None).unwrap();
//! let r = st.call(f, &[]).unwrap();
//! assert!(matches!(r[0], lua_runtime::Value::Int(42)));
//! ```

// Every narrowing `as` is either fixed or states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

mod blocks;
mod cond;
mod walk;

use lua_runtime::error::LuaResult;
use lua_runtime::vm::frame::FrameFlags;
use lua_runtime::vm::run;
use lua_runtime::{Executor, Resumed, State};

pub use cond::{CondNext, cond_next};

/// The tree-walking executor.
#[derive(Clone, Copy, Debug, Default)]
pub struct TreeExecutor;

impl Executor for TreeExecutor {
    fn name(&self) -> &'static str {
        "tree"
    }

    fn call(&self, st: &mut State, func: usize, nresults: i32, flags: FrameFlags) -> LuaResult<()> {
        run::execute(st, func, nresults, flags, walk::run)
    }

    fn resume(&self, st: &mut State, nargs: usize) -> LuaResult<Resumed> {
        run::resume(st, nargs, walk::run)
    }
}

/// `sub` of a generic `for` cursor waiting for its iterator's results.
pub const ITER: u32 = u32::MAX;
