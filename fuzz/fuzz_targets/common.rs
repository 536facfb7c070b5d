//! What the run-time fuzz targets share: a sandboxed state with small
//! limits on either executor, its output captured.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use lua_runtime::{Executor, Limits, State};

/// An output sink the target can read back.
#[derive(Clone, Default)]
pub struct Captured(pub Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let mut v = self.0.borrow_mut();
        // Bounded: a program printing in a loop is cut, not stored.
        if v.len() < 1 << 16 {
            v.extend_from_slice(b);
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub const LIMITS: Limits = Limits {
    instructions: Some(200_000),
    memory: Some(32 << 20),
    call_depth: Some(200),
    string_size: Some(1 << 20),
};

pub fn executors() -> [Rc<dyn Executor>; 2] {
    [
        Rc::new(lua_exec_tree::TreeExecutor),
        Rc::new(lua_exec_flat::FlatExecutor),
    ]
}

/// A sandboxed state on `ex`, writing to `out`.
pub fn state(ex: Rc<dyn Executor>, out: &Captured) -> State {
    let mut st = State::new(ex);
    lua_runtime::sandbox::restrict(&mut st);
    st.set_limits(LIMITS);
    st.set_output(Box::new(out.clone()));
    st
}
