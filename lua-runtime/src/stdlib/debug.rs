//! The `debug` library (for now `traceback`, as ldblib.c).

use crate::error::LuaResult;
use crate::object::Args;
use crate::state::State;
use crate::value::Value;

pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(t, &[("traceback", traceback)]);
    st.set_global("debug", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "debug", Value::Table(t));
}

fn traceback(st: &mut State, a: Args) -> LuaResult<usize> {
    let (arg, skip_thread) = match a.get(st, 1) {
        Value::Thread(_) => (2, true),
        _ => (1, false),
    };
    let _ = skip_thread;
    let msg = a.get(st, arg);
    if !matches!(
        msg,
        Value::Str(_) | Value::Nil | Value::Int(_) | Value::Float(_)
    ) {
        return st.ret(msg);
    }
    let m = match msg {
        Value::Nil => None,
        _ => Some(st.check_str(a, arg)?.to_str_lossy().into_owned()),
    };
    let level = st.opt_int(a, arg + 1, 1)?;
    let s = st.traceback(m.as_deref(), level.max(0) as usize);
    let v = st.str_value(s);
    st.ret(v)
}
