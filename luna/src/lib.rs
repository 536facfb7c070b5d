#![warn(missing_docs)]
//! luna: Lua 5.4 for Rust programs.
//!
//! ```
//! let lua = luna::Lua::new();
//! assert_eq!(lua.load("1 + 2").eval::<i64>().unwrap(), 3);
//! ```
//!
//! [`Lua::new`] gives a state with every standard library, run by the flat
//! executor (the fast one); [`Lua::with_executor`] picks one;
//! [`Lua::sandboxed`] gives one for code you do not trust (no access to
//! the host, limits no `pcall` gets around). Everything
//! else is `lua-runtime`'s typed API ([`api`]), re-exported here: load and
//! run code ([`api::Lua::load`]), read and write globals and tables,
//! convert values both ways ([`IntoLua`], [`FromLua`], serde's traits with
//! [`api::Lua::to_value`]/[`api::Lua::from_value`]), call Lua functions
//! from Rust and Rust closures from Lua ([`api::Lua::create_function`]),
//! expose Rust types ([`UserData`]). `Lua` and every handle are `Send +
//! Sync`: a state can move to another thread. docs/EMBEDDING.md is the
//! guide.
//!
//! A `luna::Lua` dereferences to [`api::Lua`], the state handle every
//! callback receives; write helpers against `&api::Lua` (a `&luna::Lua`
//! converts to it) so that they work in both places:
//!
//! ```
//! fn install(lua: &luna::api::Lua) -> luna::Result<()> {
//!     lua.globals().set("version", "1.0")
//! }
//! let lua = luna::Lua::new();
//! install(&lua).unwrap();
//! let f = lua.create_function(|lua, ()| install(lua)).unwrap();
//! f.call::<_, ()>(()).unwrap();
//! ```

use std::rc::Rc;

pub use lua_runtime::api;
pub use lua_runtime::api::{
    AnyUserData, BString, Chunk, ChunkMode, Error, FromLua, FromLuaMulti, Function, IntoLua,
    IntoLuaMulti, LuaString, MetaMethod, MultiValue, Nil, Result, Table, TablePairs, TableSequence,
    Thread, ThreadStatus, UserData, UserDataClone, UserDataFields, UserDataMethods, UserDataRef,
    UserDataRefMut, Value, Variadic,
};
pub use lua_runtime::{Abort, Interrupter, Limits, State};

/// Which executor runs the state's code.
///
/// ```
/// let lua = luna::Lua::with_executor(luna::Executor::Tree);
/// assert_eq!(lua.executor_name(), "tree");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Executor {
    /// The structured-code walker (the baseline).
    Tree,
    /// The flat, program-counter loop (the fast one; the default).
    #[default]
    Flat,
}

impl Executor {
    /// Both executors, for tests that run on each.
    ///
    /// ```
    /// assert_eq!(luna::Executor::ALL.len(), 2);
    /// ```
    pub const ALL: [Executor; 2] = [Executor::Tree, Executor::Flat];

    /// The executor as the runtime's trait object (for
    /// `lua_runtime::State::new`).
    ///
    /// ```
    /// let st = luna::State::new(luna::Executor::Flat.make());
    /// assert_eq!(st.executor().name(), "flat");
    /// ```
    pub fn make(self) -> Rc<dyn lua_runtime::Executor> {
        match self {
            Executor::Tree => Rc::new(lua_exec_tree::TreeExecutor),
            Executor::Flat => Rc::new(lua_exec_flat::FlatExecutor),
        }
    }
}

/// A Lua state with both executors at hand: [`api::Lua`] plus the
/// constructors. Dereferences to [`api::Lua`], which has every method.
///
/// ```
/// let lua = luna::Lua::new();
/// lua.globals().set("x", 1).unwrap();
/// let x: i64 = lua.globals().get("x").unwrap();
/// assert_eq!(x, 1);
/// ```
#[derive(Clone, Debug)]
pub struct Lua(api::Lua);

impl Lua {
    /// A state with every standard library, run by the flat executor.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert_eq!(lua.load("math.max(1, 5)").eval::<i64>().unwrap(), 5);
    /// ```
    #[allow(clippy::new_without_default)]
    pub fn new() -> Lua {
        Lua::with_executor(Executor::Flat)
    }

    /// A state with every standard library, run by executor `e`.
    ///
    /// ```
    /// for e in luna::Executor::ALL {
    ///     let lua = luna::Lua::with_executor(e);
    ///     assert_eq!(lua.load("#'abc'").eval::<i64>().unwrap(), 3);
    /// }
    /// ```
    pub fn with_executor(e: Executor) -> Lua {
        Lua(match e {
            Executor::Tree => api::Lua::from_executor(lua_exec_tree::TreeExecutor),
            Executor::Flat => api::Lua::from_executor(lua_exec_flat::FlatExecutor),
        })
    }

    /// A state for code you do not trust: the sandbox's libraries
    /// ([`api::Lua::restrict`]) and `limits` ([`api::Lua::set_limits`]),
    /// on the flat executor.
    ///
    /// ```
    /// let lua = luna::Lua::sandboxed(luna::Limits {
    ///     instructions: Some(1_000_000),
    ///     memory: Some(16 << 20),
    ///     ..Default::default()
    /// });
    /// assert!(lua.load("os.execute").eval::<luna::Value>().unwrap().is_nil());
    /// let e = lua.load("while true do pcall(error) end").exec().unwrap_err();
    /// assert!(e.message().ends_with("instruction limit exceeded"));
    /// ```
    pub fn sandboxed(limits: Limits) -> Lua {
        Lua::sandboxed_with(Executor::Flat, limits)
    }

    /// [`Lua::sandboxed`] on executor `e`.
    ///
    /// ```
    /// let lua = luna::Lua::sandboxed_with(luna::Executor::Tree, luna::Limits::default());
    /// assert!(lua.load("require").eval::<luna::Value>().unwrap().is_nil());
    /// ```
    pub fn sandboxed_with(e: Executor, limits: Limits) -> Lua {
        let lua = Lua::with_executor(e);
        lua.restrict();
        lua.set_limits(limits);
        lua
    }

    /// Wrap a state made and configured with the raw API (e.g. with some
    /// libraries removed).
    ///
    /// # Safety
    ///
    /// As [`api::Lua::from_state`]: nothing outside `st` may point into it
    /// (no clone of its executor `Rc`, no `Gc` of its heap).
    ///
    /// ```
    /// let mut st = luna::State::new(luna::Executor::Flat.make());
    /// st.set_global("io", lua_runtime::Value::Nil);
    /// // SAFETY: `st` is handed over whole; `make()`'s Rc went into it.
    /// let lua = unsafe { luna::Lua::from_state(st) };
    /// assert!(lua.load("io").eval::<luna::Value>().unwrap().is_nil());
    /// ```
    pub unsafe fn from_state(st: State) -> Lua {
        // SAFETY: the caller's promise is the one `api::Lua::from_state`
        // asks for.
        Lua(unsafe { api::Lua::from_state(st) })
    }

    /// The state handle callbacks receive.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let inner: luna::api::Lua = lua.into_inner();
    /// assert_eq!(inner.executor_name(), "flat");
    /// ```
    pub fn into_inner(self) -> api::Lua {
        self.0
    }
}

impl std::ops::Deref for Lua {
    type Target = api::Lua;
    fn deref(&self) -> &api::Lua {
        &self.0
    }
}

impl AsRef<api::Lua> for Lua {
    fn as_ref(&self) -> &api::Lua {
        &self.0
    }
}

impl From<api::Lua> for Lua {
    fn from(l: api::Lua) -> Lua {
        Lua(l)
    }
}

// `Lua`, its handles and errors may move to and be shared with other
// threads (checked at compile time).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Lua>();
    send_sync::<api::Lua>();
    send_sync::<Table>();
    send_sync::<Function>();
    send_sync::<LuaString>();
    send_sync::<Thread>();
    send_sync::<AnyUserData>();
    send_sync::<Value>();
    send_sync::<MultiValue>();
    send_sync::<Error>();
};

#[cfg(test)]
mod tests {
    /// `Lua`, its handles and errors may move to and be shared with other
    /// threads.
    #[test]
    fn send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<super::Lua>();
        check::<super::api::Lua>();
        check::<super::Table>();
        check::<super::Function>();
        check::<super::LuaString>();
        check::<super::Thread>();
        check::<super::AnyUserData>();
        check::<super::Value>();
        check::<super::MultiValue>();
        check::<super::Error>();
    }
}
