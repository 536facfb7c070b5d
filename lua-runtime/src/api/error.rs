//! [`Error`], the error type of the typed API.

use std::sync::Arc;

use super::value::Value;

/// What can go wrong when Rust and Lua talk.
///
/// An error raised in Lua (by `error`, a runtime error, or a Rust callback)
/// comes back as [`Error::Runtime`], with the message, the traceback and
/// the error value itself (kept even when it is not a string). Errors that
/// Rust code returns from a callback are raised in Lua: [`Error::Runtime`]
/// re-raises its original value, a [`Error::BadArgument`] becomes lua5.4's
/// `bad argument #n to 'f' (...)`, anything else becomes a string error
/// with the caller's position (as `luaL_error`).
///
/// ```
/// # use luna::{Lua, Error};
/// # let lua = Lua::new();
/// let err = lua.load("local x = nil\nreturn x.y").set_name("=cfg").exec().unwrap_err();
/// assert_eq!(err.message(), "cfg:2: attempt to index a nil value (local 'x')");
/// assert_eq!(err.position(), Some(("cfg".to_string(), 2)));
/// assert!(err.traceback().unwrap().starts_with("stack traceback:"));
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error raised while Lua code ran.
    #[error("{message}{}", traceback.as_ref().map(|t| format!("\n{t}")).unwrap_or_default())]
    Runtime {
        /// The error value as lua.c prints it: a string or number as its
        /// text, anything else as `(error object is a T value)`.
        message: String,
        /// `stack traceback:...`, captured where the error was raised.
        traceback: Option<String>,
        /// The error value.
        value: Box<Value>,
    },
    /// The source did not compile.
    #[error("{message}")]
    Syntax {
        /// lua5.4's message (`chunk:line: ... near ...`).
        message: String,
        /// The source ended in the middle of a statement (`<eof>`): a REPL
        /// could read another line.
        incomplete_input: bool,
    },
    /// A Lua value could not be converted to a Rust type.
    #[error("{}", match message {
        None => format!("{to} expected, got {from}"),
        Some(m) => format!("cannot convert a Lua {from} to {to}: {m}"),
    })]
    FromLua {
        /// The Lua type of the value.
        from: &'static str,
        /// What was expected: without `message`, named as Lua names types
        /// ("number", "string", a userdata's type name); with one, the Rust
        /// type ("u8").
        to: &'static str,
        /// Why, when the type was right but not the value ("number has no
        /// integer representation").
        message: Option<String>,
    },
    /// A Rust value could not be converted to a Lua value.
    #[error("cannot convert {from} to a Lua value: {message}")]
    ToLua {
        /// The Rust type.
        from: &'static str,
        /// Why.
        message: String,
    },
    /// Argument `pos` of a call of a Rust function was wrong (raised in
    /// Lua as `bad argument #pos to 'f' (...)`).
    #[error("bad argument #{pos} ({cause})")]
    BadArgument {
        /// 1-based, counting `self` of a method.
        pos: usize,
        /// What was wrong with it.
        cause: Box<Error>,
    },
    /// A handle was used with a Lua state other than its own.
    #[error("a handle of one Lua state was used with another")]
    ForeignHandle,
    /// A userdata was already borrowed (mutably, or at all for a mutable
    /// borrow).
    #[error("userdata already borrowed")]
    Borrowed,
    /// A userdata holds another Rust type.
    #[error("userdata is not a {0}")]
    UserDataType(&'static str),
    /// A `create_function_mut` callback was called again while it ran.
    #[error("mutable callback called recursively")]
    RecursiveCallback,
    /// A plain message from Rust code ([`Error::new`]).
    #[error("{0}")]
    Message(String),
    /// Any other error from Rust code ([`Error::external`]).
    #[error("{0}")]
    External(Arc<dyn std::error::Error + Send + Sync>),
}

/// `Result<T, luna's Error>`.
///
/// ```
/// fn answer(lua: &luna::Lua) -> luna::Result<i64> {
///     lua.load("6 * 7").eval()
/// }
/// assert_eq!(answer(&luna::Lua::new()).unwrap(), 42);
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with message `msg`: returned from a callback, it is raised
    /// in Lua as the string `msg` prefixed by the caller's position.
    ///
    /// ```
    /// # use luna::{Lua, Error};
    /// # let lua = Lua::new();
    /// let f = lua.create_function(|_, ()| -> Result<(), Error> { Err(Error::new("no")) }).unwrap();
    /// lua.globals().set("f", f).unwrap();
    /// let e = lua.load("f()").set_name("=main").exec().unwrap_err();
    /// assert_eq!(e.message(), "main:1: no");
    /// ```
    pub fn new(msg: impl Into<String>) -> Error {
        Error::Message(msg.into())
    }

    /// Wrap any error (kept for `source()`).
    ///
    /// ```
    /// # use luna::Error;
    /// let e = Error::external(std::io::Error::other("disk"));
    /// assert_eq!(e.to_string(), "disk");
    /// ```
    pub fn external(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error::External(Arc::from(e.into()))
    }

    /// The message, without the traceback.
    ///
    /// ```
    /// # use luna::Lua;
    /// # let lua = Lua::new();
    /// let e = lua.load("error('boom', 0)").exec().unwrap_err();
    /// assert_eq!(e.message(), "boom");
    /// ```
    pub fn message(&self) -> String {
        match self {
            Error::Runtime { message, .. } | Error::Syntax { message, .. } => message.clone(),
            e => e.to_string(),
        }
    }

    /// The traceback of a runtime error raised in Lua.
    ///
    /// ```
    /// # use luna::Lua;
    /// # let lua = Lua::new();
    /// let e = lua.load("local function f() error('x') end f()").exec().unwrap_err();
    /// assert!(e.traceback().unwrap().contains("in local 'f'"));
    /// ```
    pub fn traceback(&self) -> Option<&str> {
        match self {
            Error::Runtime { traceback, .. } => traceback.as_deref(),
            _ => None,
        }
    }

    /// The error value of a runtime error (a table given to `error` stays a
    /// table).
    ///
    /// ```
    /// # use luna::{Lua, Value, Table};
    /// # let lua = Lua::new();
    /// let e = lua.load("error({code = 7})").exec().unwrap_err();
    /// let Some(Value::Table(t)) = e.value() else { panic!() };
    /// assert_eq!(t.get::<_, i64>("code").unwrap(), 7);
    /// ```
    pub fn value(&self) -> Option<&Value> {
        match self {
            Error::Runtime { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The chunk (as lua5.4 shows it: `file.lua`, `[string "..."]`) and the
    /// line where the error was raised, when the message starts with them.
    ///
    /// ```
    /// # use luna::Lua;
    /// # let lua = Lua::new();
    /// let e = lua.load("\n\nlocal x = 1 + {}").set_name("@conf.lua").exec().unwrap_err();
    /// assert_eq!(e.position(), Some(("conf.lua".to_string(), 3)));
    /// ```
    pub fn position(&self) -> Option<(String, u32)> {
        match self {
            Error::Runtime { message, .. } | Error::Syntax { message, .. } => {
                split_position(message)
            }
            _ => None,
        }
    }
}

/// `chunk:line: ...` → (chunk, line).
fn split_position(msg: &str) -> Option<(String, u32)> {
    // A `[string "..."]` chunk may contain colons: skip to its end.
    let from = if msg.starts_with("[string \"") {
        msg.find("\"]:")? + 2
    } else {
        0
    };
    let rest = &msg[from..];
    let mut search = 0;
    while let Some(i) = rest[search..].find(':') {
        let c = from + search + i;
        let after = &msg[c + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(':') {
            let line = after[..digits].parse().ok()?;
            return Some((msg[..c].to_string(), line));
        }
        if from > 0 {
            return None;
        }
        search += i + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::split_position;

    #[test]
    fn positions() {
        assert_eq!(split_position("a.lua:3: x"), Some(("a.lua".into(), 3)));
        assert_eq!(
            split_position("[string \"a:1: b\"]:12: x"),
            Some(("[string \"a:1: b\"]".into(), 12))
        );
        assert_eq!(split_position("C:\\x:4: y"), Some(("C:\\x".into(), 4)));
        assert_eq!(split_position("no position"), None);
    }
}
