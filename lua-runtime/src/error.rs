//! `LuaError`: an error is any Lua value, plus a traceback when captured.

use std::borrow::Cow;

use crate::value::Value;

/// A Lua error in flight. The value is rooted by whoever catches it (the
/// executor stores it in a register before any safepoint).
///
/// It displays as lua.c prints an uncaught error object (without the
/// program name): a string or number as its text, any other value as
/// "(error object is a X value)", then the traceback on the next lines.
/// A `__tostring` metamethod needs a state to run, so it is not used here;
/// the CLI's report applies it.
///
/// One pointer: every fallible function returns a [`LuaResult`], and an
/// error this small keeps `LuaResult<()>`, `LuaResult<usize>` and
/// `LuaResult<Value>` in registers instead of a 48-byte block in memory
/// (which the caller then read back with other widths than the callee
/// wrote, a store-forwarding stall on every return). Raising an error
/// allocates once; errors are rare. The fields are [`ErrorData`]'s,
/// reached through `Deref`.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}{}", object_text(&.0.value), traceback_lines(&.0.traceback))]
pub struct LuaError(pub Box<ErrorData>);

/// What a [`LuaError`] holds.
#[derive(Clone, Debug)]
pub struct ErrorData {
    pub value: Value,
    /// `stack traceback:\n...` text, captured where the error was raised
    /// when the outermost caller asked for it (the CLI does).
    pub traceback: Option<String>,
}

impl LuaError {
    pub fn new(value: Value) -> LuaError {
        LuaError(Box::new(ErrorData {
            value,
            traceback: None,
        }))
    }
}

impl std::ops::Deref for LuaError {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for LuaError {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

/// The error object as lua.c's `msghandler` turns it into a message.
fn object_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::Str(s) => s.to_str_lossy(),
        Value::Int(_) | Value::Float(_) => {
            let mut b = Vec::new();
            crate::vm::ops::append_plain(&mut b, *v);
            Cow::Owned(String::from_utf8_lossy(&b).into_owned())
        }
        _ => Cow::Owned(format!("(error object is a {} value)", v.type_name())),
    }
}

/// The traceback, if any, on the lines after the message.
fn traceback_lines(tb: &Option<String>) -> Cow<'_, str> {
    match tb {
        Some(tb) => Cow::Owned(format!("\n{tb}")),
        None => Cow::Borrowed(""),
    }
}

pub type LuaResult<T> = Result<T, LuaError>;

const _: () = assert!(std::mem::size_of::<LuaResult<()>>() == 8);
const _: () = assert!(std::mem::size_of::<LuaResult<Value>>() == 16);

#[cfg(test)]
mod tests {
    use super::LuaError;
    use crate::gc::Heap;
    use crate::object::string::LuaStr;
    use crate::object::{RawTable, Table};
    use crate::value::Value;

    #[test]
    fn displays_as_lua_c_reports() {
        let mut h = Heap::new();
        let s = h.alloc(LuaStr::new(b"boom.lua:1: bad thing"));
        assert_eq!(
            LuaError::new(Value::Str(s)).to_string(),
            "boom.lua:1: bad thing"
        );
        assert_eq!(LuaError::new(Value::Int(42)).to_string(), "42");
        assert_eq!(LuaError::new(Value::Float(2.0)).to_string(), "2.0");
        assert_eq!(LuaError::new(Value::Float(0.5)).to_string(), "0.5");
        assert_eq!(
            LuaError::new(Value::Nil).to_string(),
            "(error object is a nil value)"
        );
        assert_eq!(
            LuaError::new(Value::Bool(false)).to_string(),
            "(error object is a boolean value)"
        );
        let t = h.alloc(Table::new(RawTable::new()));
        assert_eq!(
            LuaError::new(Value::Table(t)).to_string(),
            "(error object is a table value)"
        );
        let mut e = LuaError::new(Value::Str(s));
        e.traceback = Some("stack traceback:\n\t[C]: in ?".to_string());
        assert_eq!(
            e.to_string(),
            "boom.lua:1: bad thing\nstack traceback:\n\t[C]: in ?"
        );
        // It is a std error, so `?` can box it.
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.source().is_none());
    }
}
