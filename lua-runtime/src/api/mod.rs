//! The typed embedding API: run Lua from Rust with values converted both
//! ways, Rust functions and types callable from Lua, and handles that keep
//! Lua values alive. Generic over the executor; the `luna` crate bundles
//! both executors and re-exports this module.
//!
//! ```
//! let lua = luna::Lua::new();
//! let double = lua.create_function(|_, x: i64| Ok(x * 2)).unwrap();
//! lua.globals().set("double", double).unwrap();
//! assert_eq!(lua.load("double(21)").eval::<i64>().unwrap(), 42);
//! ```
//!
//! # How it is built
//!
//! - [`Lua`] owns a [`State`](crate::State) behind a re-entrant lock
//!   (`sync.rs`, the one module with `unsafe`, states the invariants that
//!   make `Lua` and its handles `Send + Sync`).
//! - A handle ([`Table`], [`Function`], [`LuaString`], [`Thread`],
//!   [`AnyUserData`]) roots its value in a slot of a table in the registry
//!   until its last clone drops; a value held in a Rust local inside the
//!   runtime is never left unrooted across a call into Lua.
//! - A Rust function is a native whose upvalue holds the closure
//!   (`callback.rs`); inside it, the API works on the `&mut State` the
//!   executor passed to it.
//! - [`IntoLua`]/[`FromLua`] convert between Rust values and [`Value`];
//!   errors are [`Error`].

#![warn(missing_docs)]
mod callback;
mod conv;
mod error;
mod handles;
mod lua;
#[cfg(feature = "serde")]
mod serde;
mod sync;
mod userdata;
mod value;

pub use conv::{BString, FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
pub use error::{Error, Result};
pub use handles::{
    AnyUserData, Function, LuaString, Table, TablePairs, TableSequence, Thread, ThreadStatus,
};
pub use lua::{Chunk, ChunkMode, Lua};
pub use sync::{UserDataRef, UserDataRefMut};
pub use userdata::{MetaMethod, UserData, UserDataClone, UserDataFields, UserDataMethods};
pub use value::{MultiValue, Nil, Value, Variadic};
