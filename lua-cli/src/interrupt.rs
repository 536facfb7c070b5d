//! Ctrl-C while Lua code runs.
//!
//! Not wired yet: [`Armed`] marks where lua.c's `docall` installs its
//! SIGINT handler, and does nothing.

use lua_runtime::State;

/// Held while a chunk runs.
pub struct Armed;

impl Armed {
    pub fn new(_st: &State) -> Armed {
        Armed
    }
}
