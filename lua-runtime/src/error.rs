//! `LuaError`: an error is any Lua value, plus a traceback when captured.

use crate::value::Value;

/// A Lua error in flight. The value is rooted by whoever catches it (the
/// executor stores it in a register before any safepoint).
#[derive(Clone, Debug)]
pub struct LuaError {
    pub value: Value,
    /// `stack traceback:\n...` text, captured where the error was raised
    /// when the outermost caller asked for it (the CLI does).
    pub traceback: Option<String>,
}

impl LuaError {
    pub fn new(value: Value) -> LuaError {
        LuaError {
            value,
            traceback: None,
        }
    }
}

pub type LuaResult<T> = Result<T, LuaError>;
