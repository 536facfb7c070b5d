//! The `coroutine` library (lcorolib.c) over heap threads.
//!
//! A coroutine is a [`Thread`] object holding its own value and frame
//! stacks. `resume` swaps them into the `State` (saving the resumer's in
//! the resumer's own thread object), runs the executor's
//! [`Executor::resume`](crate::executor::Executor::resume) loop on them, and
//! swaps back when the coroutine yields, returns or fails. Because Lua
//! calls and `pcall` push frames instead of recursing, a yield only has to
//! stop that loop: the coroutine's frames stay in its stacks until the next
//! resume. A yield from inside a Rust-recursive call (a metamethod, a
//! native calling back into Lua) is refused with lua5.4's "attempt to yield
//! across a C-call boundary" (`State::nny` counts those calls).

use crate::error::{LuaError, LuaResult};
use crate::executor::Resumed;
use crate::gc::Gc;
use crate::object::{Args, Thread, ThreadStatus};
use crate::state::State;
use crate::value::Value;

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

/// Make `to` the running thread: the running thread's stacks go to
/// `from.saved`, `to`'s to `st.th`, by two swaps through the empty value a
/// running thread's `saved` holds (nothing built, nothing dropped: a
/// coroutine switch is on the hot path of every generator).
fn switch_stacks(st: &mut State, from: Gc<Thread>, to: Gc<Thread>) {
    let mut parked = from.saved.borrow_mut();
    let mut incoming = to.saved.borrow_mut();
    // `from.saved` is empty while `from` runs, so nothing is dropped here.
    debug_assert!(parked.stack.capacity() == 0 && parked.frames.capacity() == 0);
    std::mem::swap(&mut st.th, &mut *parked);
    std::mem::swap(&mut st.th, &mut *incoming);
    st.current = to;
}

/// Resume `co` with the `nargs` values on top of the running thread's
/// stack as its arguments. `Ok(Ok(n))`: it yielded or returned `n` values,
/// now pushed on the running thread's stack; `Ok(Err(e))`: it could not
/// run or died with error `e`. Values go straight from one thread's stack
/// to the other's.
pub fn aux_resume(st: &mut State, co: Gc<Thread>, nargs: usize) -> LuaResult<Result<usize, Value>> {
    match co.status.get() {
        ThreadStatus::Suspended => {}
        ThreadStatus::Dead => {
            return Ok(Err(st.str_value("cannot resume dead coroutine")));
        }
        _ => {
            return Ok(Err(st.str_value("cannot resume non-suspended coroutine")));
        }
    }
    if co.saved.borrow().frames.is_empty() && co.saved.borrow().stack.is_empty() {
        return Ok(Err(st.str_value("cannot resume dead coroutine")));
    }
    if let Err(e) = st.enter_c_call() {
        return Ok(Err(e.value));
    }
    let prev = st.current;
    prev.status.set(ThreadStatus::Normal);
    co.status.set(ThreadStatus::Running);
    let args_at = st.th.stack.len() - nargs;
    switch_stacks(st, prev, co);
    st.th
        .stack
        .extend_from_slice(&prev.saved.borrow().stack[args_at..args_at + nargs]);
    let saved_nny = std::mem::replace(&mut st.nny, 0);

    let ex = st.executor();
    let r = ex.resume(st, nargs);
    st.yielding = false;
    // Where the results are on the coroutine's stack.
    let out = match r {
        Ok(Resumed::Yielded) => {
            co.status.set(ThreadStatus::Suspended);
            Ok(match st.th.frames.last() {
                Some(f) => f.base..f.base + f.nvarargs,
                None => 0..0,
            })
        }
        Ok(Resumed::Returned) => {
            co.status.set(ThreadStatus::Dead);
            Ok(0..st.th.stack.len())
        }
        Err(e) => {
            co.status.set(ThreadStatus::Dead);
            co.error.set(Some(e.value));
            Err(e.value)
        }
    };
    st.nny = saved_nny;
    switch_stacks(st, co, prev);
    prev.status.set(ThreadStatus::Running);
    st.c_calls -= 1;
    Ok(match out {
        Ok(range) => {
            let n = range.len();
            let mut saved = co.saved.borrow_mut();
            st.th.stack.extend_from_slice(&saved.stack[range]);
            if co.status.get() == ThreadStatus::Dead {
                // A finished coroutine keeps nothing alive.
                saved.stack.clear();
            }
            Ok(n)
        }
        Err(e) => Err(e),
    })
}

fn resume(st: &mut State, a: Args) -> LuaResult<usize> {
    let co = check_co(st, a, 1)?;
    // The arguments after the coroutine are the top of the stack.
    st.th.stack.truncate(a.base + a.n.max(1));
    match aux_resume(st, co, a.n.max(1) - 1)? {
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
    if Gc::ptr_eq(st.current, st.main_thread) {
        return Err(st.rt_error("attempt to yield from outside a coroutine"));
    }
    if st.nny > 0 {
        return Err(st.rt_error("attempt to yield across a C-call boundary"));
    }
    // The sentinel travels to the coroutine's run loop, which stops with
    // this native frame (holding the yielded values) on top.
    st.yielding = true;
    Err(LuaError::new(Value::Nil))
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
            Some(crate::thread::FrameFn::Native(n)) => n.upvalues.borrow().first().copied(),
            _ => None,
        }
    };
    let Some(Value::Thread(co)) = co else {
        return Err(st.error("bad coroutine"));
    };
    st.th.stack.truncate(a.base + a.n);
    match aux_resume(st, co, a.n)? {
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
        !s.tbc.is_empty() || !s.open_upvals.is_empty()
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
        let r = crate::interp::close_all(st, 0, None);
        std::mem::swap(&mut st.th, &mut *co.saved.borrow_mut());
        std::mem::swap(&mut st.th, &mut *prev.saved.borrow_mut());
        st.current = prev;
        if let Err(e) = r {
            result = Err(e.value);
        }
    }
    {
        let mut s = co.saved.borrow_mut();
        s.stack.clear();
        s.frames.clear();
        s.cursors.clear();
        s.tbc.clear();
        s.open_upvals.clear();
    }
    co.status.set(ThreadStatus::Dead);
    co.error.set(None);
    match result {
        Ok(()) => st.ret(Value::Bool(true)),
        Err(e) => {
            st.push(Value::Bool(false));
            st.push(e);
            Ok(2)
        }
    }
}
