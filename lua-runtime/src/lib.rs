//! lua-runtime: everything about running Lua that does not depend on how
//! code is walked — values, the garbage-collected heap, strings, tables
//! with metatables, closures and upvalues, the semantics of every operator,
//! errors and tracebacks, the standard library, and the [`Executor`] trait
//! the executors (lua-exec-tree, lua-exec-flat) implement.
//!
//! It is not an executor: it does not walk bytecode. A [`State`] is made
//! with an executor handed in (`Rc<dyn Executor>`), and every call into Lua
//! (`State::call`, natives calling back) goes through it.
//!
//! # Layout
//!
//! - [`gc`]: the heap (`Gc<T>`, mark & sweep) — the only module with heap
//!   `unsafe`.
//! - [`value`]: the 16-byte [`Value`]; [`string`]: interned byte strings;
//!   [`object`]: tables, closures, upvalues, natives, userdata, threads
//!   (`object::table_cell`: the cell a table's raw part lives in, checked
//!   in debug builds, free in release).
//! - [`number`]: integer/float rules, coercions, number formatting.
//! - [`ops`]: operators with metamethods and their error messages;
//!   [`meta`]: the metamethod lookup path.
//! - [`thread`]: call frames and the per-thread stacks shared by both
//!   executors; [`executor`]: the trait; [`interp`]: the call, return,
//!   unwind and `for` protocol both executors share; [`fast`]: their
//!   inline fast paths (number arithmetic, raw table access); [`regs`]:
//!   their unchecked register access (and the flat executor's register
//!   window pointer), with the invariants that make it sound.
//! - [`lib_coroutine`]: coroutines as heap threads whose stacks are moved
//!   into the `State` while they run.
//! - [`state`]: the `State`; [`args`]: argument checking for natives;
//!   [`debug`]: lines, function names, tracebacks.
//! - `lib_*`: the standard libraries; [`strlib`]: pure string algorithms.
//!
//! # How to add a library function
//!
//! A native function has the type [`NativeFnPtr`]:
//! `fn(&mut State, Args) -> LuaResult<usize>`. It reads its arguments with
//! `args.get(st, i)` (1-based) or the checking helpers (`st.check_int(args,
//! 1)?`, `st.check_str`, `st.opt_int`, `st.check_table`, ...: they raise
//! lua5.4's exact "bad argument #i to 'f' (...)" errors), pushes its results
//! with `st.push(v)` and returns how many it pushed. Raise errors with
//! `st.error("msg")` (adds the caller's position like `luaL_error`) or
//! `LuaError::new(value)`. To call back into Lua use `st.call(f, &[args])`;
//! values held only in Rust locals across such a call must be rooted (push
//! them on the stack), because a collection may run.
//! Put a library in its own module `lib_<name>.rs` with an
//! `open(st: &mut State)` that builds its table (`st.new_table()`,
//! `st.register(t, &[("name", f), ...])`), sets the global and
//! `package.loaded` entry, and call it from `State::new`.
//!
//! ```
//! use lua_runtime::{State, Value};
//! # use std::rc::Rc;
//! # struct NoExec;
//! # impl lua_runtime::Executor for NoExec {
//! #     fn name(&self) -> &'static str { "none" }
//! #     fn call(&self, _: &mut State, _: usize, _: i32, _: lua_runtime::vm::frame::FrameFlags) -> lua_runtime::LuaResult<()> { Ok(()) }
//! # }
//! let mut st = State::new(Rc::new(NoExec));
//! let s = st.str_value("hello");
//! let t = st.new_table();
//! st.raw_set(t, s, Value::Int(1)).unwrap();
//! assert_eq!(t.get(s).type_name(), "number");
//! ```

pub mod error;
pub mod gc;
mod number;
pub mod object;
pub mod state;
pub mod stdlib;
pub mod strlib;
pub mod value;
pub mod vm;

pub use error::{LuaError, LuaResult};
pub use gc::Gc;
pub use object::string::LuaStr;
pub use object::{Args, NativeFnPtr, NativeKind, Table};
pub use state::State;
pub use value::Value;
pub use vm::executor::{Executor, Resumed};
