//! The sandbox: a state's libraries cut down to what cannot reach the host
//! (files, processes, the environment, the module loader, the debug
//! interface, the collector's controls), with the library tables made
//! read-only, for running code the host does not trust.
//!
//! [`restrict`] changes a state made by `State::new`:
//!
//! - removed: `io`, `package`, `require`, `dofile`, `loadfile`;
//! - `os` keeps `clock`, `date`, `difftime`, `time`;
//! - `debug` keeps `traceback`;
//! - `collectgarbage` accepts only "count";
//! - `load` (and every loader) takes text only, no binary chunks;
//! - `string`, `table`, `math`, `utf8`, `coroutine`, `os` and `debug` are
//!   read-only views: an empty table whose metatable reads from the
//!   library, refuses writes ("attempt to modify a read-only table"),
//!   hides itself (`__metatable`), and which `rawset` refuses. The
//!   library tables themselves are reachable only by the natives (the
//!   string metatable's `__index` is the real `string`, so method calls
//!   stay one lookup); `getmetatable("")` gives a read-only copy.
//!
//! `pairs` over a view yields nothing (a `__pairs` would hand out the
//! library table). The limits (instructions, memory, call depth, string
//! size) are separate: `State::set_limits`. The host adds back what it
//! trusts by setting globals (or calling a library's `open`).

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::object::{Args, Table};
use crate::state::State;
use crate::value::{Type, Value};

/// Libraries whose tables become read-only views.
const VIEWED: [&str; 7] = [
    "string",
    "table",
    "math",
    "utf8",
    "coroutine",
    "os",
    "debug",
];

/// Cut the state's libraries down to the sandbox's (see the module doc).
pub fn restrict(st: &mut State) {
    for name in ["io", "package", "require", "dofile", "loadfile"] {
        set_library(st, name, Value::Nil);
    }
    keep_only(st, "os", &["clock", "date", "difftime", "time"]);
    keep_only(st, "debug", &["traceback"]);
    let f = st.new_native("collectgarbage", collectgarbage_count);
    st.set_global("collectgarbage", f);
    st.binary_chunks = false;
    for name in VIEWED {
        let Value::Table(lib) = st.get_global(name) else {
            continue;
        };
        let view = read_only_view(st, lib);
        set_library(st, name, Value::Table(view));
    }
    if let Some(mt) = st.type_metas[Type::String as usize] {
        // `getmetatable("")` shows a copy whose `__index` is the view.
        let copy = st.new_table();
        let fields: Vec<(Value, Value)> = mt.raw().iter().collect();
        for (k, v) in fields {
            let _ = st.raw_set(copy, k, v);
        }
        let string = st.get_global("string");
        st.set_field(copy, "__index", string);
        let view = read_only_view(st, copy);
        st.set_field(mt, "__metatable", Value::Table(view));
    }
}

/// Replace library `name` by a table of only the fields `keep`.
fn keep_only(st: &mut State, name: &str, keep: &[&str]) {
    let Value::Table(lib) = st.get_global(name) else {
        return;
    };
    let t = st.new_table();
    for &k in keep {
        let v = st.get_field(lib, k);
        st.set_field(t, k, v);
    }
    set_library(st, name, Value::Table(t));
}

/// Library `name` is `v` now, as a global and in `package.loaded`.
fn set_library(st: &mut State, name: &str, v: Value) {
    st.set_global(name, v);
    let loaded = st.loaded;
    st.set_field(loaded, name, v);
}

/// An empty table that reads `lib`'s fields and refuses writes.
fn read_only_view(st: &mut State, lib: Gc<Table>) -> Gc<Table> {
    let view = st.new_table();
    let mt = st.new_table();
    st.set_field(mt, "__index", Value::Table(lib));
    let refuse = st.new_native("__newindex", refuse_write);
    st.set_field(mt, "__newindex", refuse);
    st.set_field(mt, "__metatable", Value::Bool(false));
    st.set_table_metatable(view, Some(mt));
    view.readonly.set(true);
    view
}

fn refuse_write(st: &mut State, _: Args) -> LuaResult<usize> {
    Err(st.error("attempt to modify a read-only table"))
}

/// The sandbox's `collectgarbage`: "count" only.
fn collectgarbage_count(st: &mut State, a: Args) -> LuaResult<usize> {
    st.check_option(a, 1, Some("collect"), &["count"])?;
    let kb = st.heap.total_bytes() as f64 / 1024.0;
    st.ret(Value::Float(kb))
}
