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
//! Grouped by role, as PUC's sources are:
//!
//! - [`api`]: the typed embedding API (`Lua`, handles, conversions, Rust
//!   functions and userdata), generic over the executor.
//! - [`state`]: the [`State`] (the embedding surface: load, call, globals,
//!   tables, strings); [`value`]: the 16-byte [`Value`]; [`error`]:
//!   [`LuaError`]; [`gc`]: the heap (`Gc<T>`, mark & sweep), the only module
//!   with heap `unsafe`.
//! - [`object`]: what lives on the heap: tables (a lua-tables table plus a
//!   metatable), closures and upvalues, natives, userdata, threads,
//!   interned byte strings ([`object::string`]).
//! - [`vm`]: what executors use, public for the executor crates (not an
//!   embedding API): call frames, the call/return/unwind protocol, the run
//!   loop around a walk, register access, fast paths, operators and
//!   metamethod lookup, coroutine switches, debug information, and the
//!   instruction bodies both executors expand.
//! - [`stdlib`]: the standard libraries, one module each, and the
//!   argument checking they share (as lauxlib); [`strlib`]: the pure
//!   string algorithms behind them (patterns, `format`, `pack`, UTF-8).
//! - `number` (private): Lua's number rules, coercions and formatting.
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
//! Put a library in its own module `stdlib/<name>.rs` with an
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

pub mod api;
pub mod error;
pub mod gc;
mod number;
pub mod object;
pub mod sandbox;
pub mod state;
pub mod stdlib;
pub mod strlib;
pub mod value;
pub mod vm;

pub use error::{LuaError, LuaResult};
pub use gc::Gc;
pub use object::string::LuaStr;
pub use object::{Args, NativeFnPtr, NativeKind, Table};
pub use state::{Abort, Interrupter, Limits, State};
pub use value::Value;
pub use vm::executor::{Executor, Resumed};
