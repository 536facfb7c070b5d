//! `State::interrupter`: Lua code that never ends stops with
//! "interrupted!" (with its position) when another thread asks, on both
//! executors, in every kind of loop; `pcall` catches it like any error, and
//! the state runs code again afterwards.

use std::rc::Rc;
use std::time::Duration;

use lua_runtime::{Executor, State, Value};

fn executors() -> Vec<Rc<dyn Executor>> {
    vec![
        Rc::new(lua_exec_flat::FlatExecutor),
        Rc::new(lua_exec_tree::TreeExecutor),
    ]
}

/// Run `src` and interrupt it from another thread after a short while;
/// the error message it ends with.
fn run_interrupted(ex: Rc<dyn Executor>, src: &str) -> String {
    let mut st = State::new(ex);
    let stop = st.interrupter();
    let f = st.load(src.as_bytes(), "=loop", "t", None).unwrap();
    let waker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        stop.interrupt();
    });
    let r = st.call(f, &[]);
    waker.join().unwrap();
    let e = r.expect_err("the loop ended by itself");
    let msg = match e.value {
        Value::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        other => panic!("error value is a {}", other.type_name()),
    };
    // The state is usable again, and the request was cleared.
    let g = st.load(b"return 1 + 1", "=after", "t", None).unwrap();
    assert!(matches!(st.call(g, &[]).unwrap()[0], Value::Int(2)));
    msg
}

#[test]
fn every_kind_of_endless_loop_is_interrupted() {
    let loops = [
        ("while", "local n = 0\nwhile true do n = n + 1 end"),
        ("repeat", "local n = 0\nrepeat n = n + 1 until false"),
        (
            "numeric for",
            "local n = 0\nfor i = 1, math.maxinteger do n = n + i end",
        ),
        (
            "float for",
            "local n = 0\nfor i = 1, math.huge do n = n + 1 end",
        ),
        (
            "generic for",
            "local n = 0\nfor _ in function() return 1 end do n = n + 1 end",
        ),
        ("goto", "local n = 0\n::top:: n = n + 1 goto top"),
        (
            "tail calls",
            "local function f(n) return f(n + 1) end\nreturn f(0)",
        ),
    ];
    for ex in executors() {
        let name = ex.name();
        for (what, src) in loops {
            let msg = run_interrupted(ex.clone(), src);
            // As lua.c's hook: the position of the interrupted
            // function's caller, here the host (none).
            assert_eq!(msg, "interrupted!", "{what} on {name}");
        }
    }
}

#[test]
fn pcall_catches_an_interrupt() {
    for ex in executors() {
        let msg = run_interrupted(
            ex,
            "local ok, e = pcall(function() while true do end end)\n\
             error('caught: ' .. tostring(ok) .. ' ' .. e, 0)",
        );
        // pcall (a native) called the looping function: no position.
        assert_eq!(msg, "caught: false interrupted!");
    }
}

#[test]
fn the_position_is_the_interrupted_functions_callers() {
    for ex in executors() {
        let ex_again = || ex.clone();
        let msg = run_interrupted(
            ex.clone(),
            "local function spin()\n  while true do end\nend\n\nlocal ok, e = pcall(spin)\nerror(e, 0)",
        );
        // pcall (a native) called `spin`: no position, as lua.c.
        assert_eq!(msg, "interrupted!");
        let msg = run_interrupted(
            ex_again(),
            "local function spin()\n  while true do end\nend\nspin()",
        );
        // The main chunk called `spin` at line 4.
        assert_eq!(msg, "loop:4: interrupted!");
    }
}
