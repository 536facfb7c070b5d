//! Coroutine switches (PUC's `lua_resume`/`lua_yield` in ldo.c): a
//! coroutine is a [`Thread`] object holding its own value and frame
//! stacks. [`resume`] moves them into the `State` (saving the resumer's in
//! the resumer's own thread object), runs the executor's
//! [`Executor::resume`](crate::vm::executor::Executor::resume) loop on them,
//! and moves them back when the coroutine yields, returns or fails. Because
//! Lua calls and `pcall` push frames instead of recursing, a yield only has
//! to stop that loop: the coroutine's frames stay in its stacks until the
//! next resume. A yield from inside a Rust-recursive call (a metamethod, a
//! native calling back into Lua) is refused with lua5.4's "attempt to yield
//! across a C-call boundary" (`State::nny` counts those calls).

use crate::error::{LuaError, LuaResult};
use crate::gc::Gc;
use crate::object::{Thread, ThreadStatus};
use crate::state::State;
use crate::value::Value;
use crate::vm::executor::Resumed;

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
pub fn resume(st: &mut State, co: Gc<Thread>, nargs: usize) -> LuaResult<Result<usize, Value>> {
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
    if st.aborting.is_some()
        && let Err(e) = out
    {
        // A limit ended the call: no `resume` catches that.
        return Err(LuaError::new(e));
    }
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

/// `coroutine.yield`'s start: the error that stops the running
/// coroutine's loop (a sentinel with `st.yielding` set), or the error
/// lua5.4 raises where a yield is impossible. The yield's native frame
/// stays on top, holding the yielded values.
pub fn start_yield(st: &mut State) -> LuaError {
    if Gc::ptr_eq(st.current, st.main_thread) {
        return st.rt_error("attempt to yield from outside a coroutine");
    }
    if st.nny > 0 {
        return st.rt_error("attempt to yield across a C-call boundary");
    }
    // The sentinel travels to the coroutine's run loop, which stops with
    // this native frame (holding the yielded values) on top.
    st.yielding = true;
    LuaError::new(Value::Nil)
}
