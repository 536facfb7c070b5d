//! The `coroutine` library (lcorolib.c). The switch itself (moving a
//! coroutine's stacks in and out, the yield sentinel) is
//! [`crate::vm::coroutine`]; this module holds the library functions.

use crate::error::{LuaError, LuaResult};
use crate::gc::Gc;
use crate::object::{Args, Thread, ThreadStatus};
use crate::state::State;
use crate::value::Value;
use crate::vm::coroutine;

pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("create", create),
            ("resume", resume),
            ("yield", yield_),
            ("status", status),
            ("running", running),
            ("isyieldable", isyieldable),
            ("wrap", wrap),
            ("close", close),
        ],
    );
    st.set_global("coroutine", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "coroutine", Value::Table(t));
}

fn check_co(st: &mut State, a: Args, i: usize) -> LuaResult<Gc<Thread>> {
    match a.get(st, i) {
        Value::Thread(t) => Ok(t),
        _ => Err(st.type_arg_error(a, i, "thread")),
    }
}

fn create(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_function(a, 1)?;
    let co = st.heap.alloc(Thread::new(ThreadStatus::Suspended));
    co.saved.borrow_mut().stack.push(f);
    st.ret(Value::Thread(co))
}

fn resume(st: &mut State, a: Args) -> LuaResult<usize> {
    let co = check_co(st, a, 1)?;
    // The arguments after the coroutine are the top of the stack.
    st.th.stack.truncate(a.base + a.n.max(1));
    match coroutine::resume(st, co, a.n.max(1) - 1)? {
        Ok(n) => {
            let at = st.th.stack.len() - n;
            st.th.stack.insert(at, Value::Bool(true));
            Ok(n + 1)
        }
        Err(e) => {
            st.push(Value::Bool(false));
            st.push(e);
            Ok(2)
        }
    }
}

fn yield_(st: &mut State, _a: Args) -> LuaResult<usize> {
    Err(coroutine::start_yield(st))
}

fn status_name(st: &State, co: Gc<Thread>) -> &'static str {
    if Gc::ptr_eq(co, st.current) {
        return "running";
    }
    match co.status.get() {
        ThreadStatus::Suspended => "suspended",
        ThreadStatus::Running => "running",
        ThreadStatus::Normal => "normal",
        ThreadStatus::Dead => "dead",
    }
}

fn status(st: &mut State, a: Args) -> LuaResult<usize> {
    let co = check_co(st, a, 1)?;
    let s = status_name(st, co);
    let v = st.str_value(s);
    st.ret(v)
}

fn running(st: &mut State, _a: Args) -> LuaResult<usize> {
    let cur = st.current;
    st.push(Value::Thread(cur));
    st.push(Value::Bool(Gc::ptr_eq(cur, st.main_thread)));
    Ok(2)
}

fn isyieldable(st: &mut State, a: Args) -> LuaResult<usize> {
    let co = match a.get(st, 1) {
        Value::Thread(t) => t,
        _ => st.current,
    };
    let y = !Gc::ptr_eq(co, st.main_thread) && (!Gc::ptr_eq(co, st.current) || st.nny == 0);
    st.ret(Value::Bool(y))
}

fn wrap_aux(st: &mut State, a: Args) -> LuaResult<usize> {
    let co = {
        let f = st.th.frames.last().map(|f| f.func_fn);
        match f {
            Some(crate::vm::frame::FrameFn::Native(n)) => n.upvalues.borrow().first().copied(),
            _ => None,
        }
    };
    let Some(Value::Thread(co)) = co else {
        return Err(st.error("bad coroutine"));
    };
    st.th.stack.truncate(a.base + a.n);
    match coroutine::resume(st, co, a.n)? {
        Ok(n) => Ok(n),
        Err(e) => {
            // As lua5.4: string errors get the caller's position added.
            if let Value::Str(s) = e {
                let w = st.where_(1);
                let mut b = w.into_bytes();
                b.extend_from_slice(s.as_bytes());
                return Err(LuaError::new(st.str_value(&b)));
            }
            Err(LuaError::new(e))
        }
    }
}

fn wrap(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_function(a, 1)?;
    let co = st.heap.alloc(Thread::new(ThreadStatus::Suspended));
    co.saved.borrow_mut().stack.push(f);
    let w = st.new_native_kind(
        "wrap",
        wrap_aux,
        crate::object::NativeKind::Plain,
        vec![Value::Thread(co)],
    );
    st.ret(w)
}

fn close(st: &mut State, a: Args) -> LuaResult<usize> {
    let co = check_co(st, a, 1)?;
    match status_name(st, co) {
        "suspended" | "dead" => {}
        s => {
            return Err(st.error(format!("cannot close a {} coroutine", s)));
        }
    }
    // Run pending `__close` handlers on the coroutine's own stacks.
    let pending = {
        let s = co.saved.borrow();
        !s.tbc.is_empty() || !s.stack.open_upvals.is_empty()
    };
    let mut result: Result<(), Value> = match co.error.get() {
        Some(e) if co.status.get() == ThreadStatus::Dead => Err(e),
        _ => Ok(()),
    };
    if pending {
        let prev = st.current;
        std::mem::swap(&mut st.th, &mut *prev.saved.borrow_mut());
        std::mem::swap(&mut st.th, &mut *co.saved.borrow_mut());
        st.current = co;
        let r = crate::vm::interp::close_all_protected(st, 0, result.err());
        std::mem::swap(&mut st.th, &mut *co.saved.borrow_mut());
        std::mem::swap(&mut st.th, &mut *prev.saved.borrow_mut());
        st.current = prev;
        if let Err(e) = r {
            result = Err(e.value);
        }
    }
    {
        let mut s = co.saved.borrow_mut();
        // Already closed above when there were any; an upvalue left open
        // would point into the emptied stack.
        s.close_upvals(0);
        s.stack.clear();
        s.frames.clear();
        s.cursors.clear();
        s.tbc.clear();
    }
    co.status.set(ThreadStatus::Dead);
    co.error.set(None);
    if st.aborting.is_some()
        && let Err(e) = result
    {
        return Err(LuaError::new(e));
    }
    match result {
        Ok(()) => st.ret(Value::Bool(true)),
        Err(e) => {
            st.push(Value::Bool(false));
            st.push(e);
            Ok(2)
        }
    }
}
