//! The sandbox and the limits, attacked: scripts that try to reach the host
//! or to run and grow without bound, on both executors. Each must end
//! cleanly (an error or completion) within the limits, and the state must
//! stay usable afterwards.

use std::rc::Rc;
use std::time::{Duration, Instant};

use lua_runtime::{Abort, Executor, Limits, State, Value};

/// The limits every test here uses unless it says otherwise.
const LIMITS: Limits = Limits {
    instructions: Some(20_000_000),
    memory: Some(32 << 20),
    call_depth: Some(500),
    string_size: Some(4 << 20),
};

fn executors() -> [(&'static str, Rc<dyn Executor>); 2] {
    [
        ("tree", Rc::new(lua_exec_tree::TreeExecutor)),
        ("flat", Rc::new(lua_exec_flat::FlatExecutor)),
    ]
}

fn sandboxed(ex: Rc<dyn Executor>, limits: Limits) -> State {
    let mut st = State::new(ex);
    lua_runtime::sandbox::restrict(&mut st);
    st.set_limits(limits);
    st.set_output(Box::new(std::io::sink()));
    st
}

/// Run `src` as one host call: its results as text, or the error message.
fn run(st: &mut State, src: &str) -> Result<String, String> {
    st.reset_budget();
    let f = st
        .load(src.as_bytes(), "=script", "t", None)
        .map_err(|e| e.to_string())?;
    let r = st.call(f, &[]).map_err(|e| e.to_string())?;
    Ok(r.iter()
        .map(|v| match v {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Nil => "nil".into(),
            other => other.type_name().into(),
        })
        .collect::<Vec<_>>()
        .join(" "))
}

/// On both executors, on a big stack (debug builds recurse deeply).
fn on_both(test: impl Fn(&str, Rc<dyn Executor>) + Send + Sync + 'static) {
    let test = std::sync::Arc::new(test);
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            for (name, ex) in executors() {
                test(name, ex);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// `src` ends with an error containing `want`, within `secs` seconds, and
/// the state answers afterwards.
fn ends_with(src: &'static str, want: &'static str, abort: Option<Abort>) {
    on_both(move |name, ex| {
        let mut st = sandboxed(ex, LIMITS);
        let t = Instant::now();
        let r = run(&mut st, src);
        let e = r.expect_err(&format!("[{name}] {src} completed"));
        assert!(e.contains(want), "[{name}] {src}: {e}");
        assert_eq!(st.aborted(), abort, "[{name}] {src}: {e}");
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "[{name}] {src} took {:?}",
            t.elapsed()
        );
        assert_eq!(
            run(&mut st, "return 6 * 7").as_deref(),
            Ok("42"),
            "[{name}] after {src}"
        );
    });
}

const BUDGET: Option<Abort> = Some(Abort::Instructions);

#[test]
fn infinite_loops_end() {
    ends_with("while true do end", "instruction limit exceeded", BUDGET);
    ends_with("::a:: goto a", "instruction limit exceeded", BUDGET);
    ends_with(
        "local function f() return f() end return f()",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "repeat local x = {} until false",
        "instruction limit exceeded",
        BUDGET,
    );
}

#[test]
fn nothing_catches_the_budget() {
    ends_with(
        "while true do pcall(function() while true do end end) end",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "while true do xpcall(function() while true do end end, print) end",
        "instruction limit exceeded",
        BUDGET,
    );
    // An error handler that loops.
    ends_with(
        "xpcall(error, function() while true do end end)",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "while true do pcall(coroutine.wrap(function() while true do end end)) end",
        "instruction limit exceeded",
        BUDGET,
    );
    // A `__close` handler that loops while the error unwinds.
    ends_with(
        "pcall(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end end)",
        "instruction limit exceeded",
        BUDGET,
    );
    // A finalizer that loops.
    ends_with(
        "setmetatable({}, {__gc = function() while true do end end}) while true do local t = {} end",
        "instruction limit exceeded",
        BUDGET,
    );
}

#[test]
fn long_natives_are_charged() {
    // Exponential backtracking inside one `find`.
    ends_with(
        "return string.find(string.rep('a', 3000), '.-.-.-.-.-b')",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "local s = string.rep('a', 2000) while true do pcall(string.match, s, '.-.-.-.-b') end",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "local s = string.rep('a', 1000) for i = 1, 1e9 do s:gsub('.-.-b', 'x') end",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "local t = {} for i = 1, 1e5 do t[i] = i end for i = 1, 1e9 do table.sort(t, function(a, b) return a > b end) end",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "local s = string.rep('x', 1e6) while true do local _ = s .. s end",
        "instruction limit exceeded",
        BUDGET,
    );
    // Found by the `run` fuzz target: 2^63 moves inside one call.
    ends_with(
        "table.move({}, 2, math.maxinteger, 2)",
        "instruction limit exceeded",
        BUDGET,
    );
    ends_with(
        "local t = {} for i = 1, 1e5 do t[i] = i end for i = 1, 1e9 do table.insert(t, 1, i) table.remove(t, 1) end",
        "instruction limit exceeded",
        BUDGET,
    );
}

#[test]
fn growth_is_bounded() {
    ends_with(
        "local s = 'x' while true do s = s .. s end",
        "string length overflow",
        None,
    );
    ends_with(
        "return string.rep('x', 1e9)",
        "resulting string too large",
        None,
    );
    ends_with(
        "return string.rep('x', 2^40)",
        "resulting string too large",
        None,
    );
    ends_with(
        "local t = {} for i = 1, 1e4 do t[i] = string.rep('x', 1000) end return table.concat(t)",
        "buffer too large",
        None,
    );
    ends_with(
        "return (string.rep('a', 1e5):gsub('.', string.rep('b', 100)))",
        "buffer too large",
        None,
    );
    ends_with(
        "local t = {} for i = 1, 1e8 do t[i] = i end",
        "not enough memory",
        None,
    );
    ends_with(
        "local t = {} for i = 1, 1e8 do t[i] = {} end",
        "not enough memory",
        None,
    );
    ends_with(
        "local t = {} for i = 1, 1e8 do t[i] = tostring(i) end",
        "not enough memory",
        None,
    );
    ends_with(
        "local t = {} for i = 1, 1e8 do t[i] = coroutine.create(print) end",
        "not enough memory",
        None,
    );
    ends_with(
        "local t = {} for i = 1, 1e8 do t[i] = function() return i end end",
        "not enough memory",
        None,
    );
    ends_with(
        "local function f(n) return 1 + f(n) end return f(1)",
        "stack overflow",
        None,
    );
    ends_with(
        "local t = setmetatable({}, {__index = function(t, k) return t[k + 1] end}) return t[1]",
        "stack overflow",
        None,
    );
    ends_with(
        "local mt = {} mt.__tostring = function(x) return tostring(setmetatable({}, mt)) end return tostring(setmetatable({}, mt))",
        "stack overflow",
        None,
    );
}

#[test]
fn memory_errors_are_catchable_and_memory_comes_back() {
    on_both(|name, ex| {
        let mut st = sandboxed(ex, LIMITS);
        let r = run(
            &mut st,
            "local ok, e = pcall(function() local t = {} for i = 1, 1e8 do t[i] = {i} end end) \
             return ok, e",
        );
        assert_eq!(r.as_deref(), Ok("false not enough memory"), "[{name}]");
        // Churn through many times the limit of short-lived objects.
        let r = run(
            &mut st,
            "local n = 0 for i = 1, 1e6 do local t = {i, tostring(i)} n = n + #t end return n",
        );
        assert_eq!(r.as_deref(), Ok("2000000"), "[{name}]");
    });
}

#[test]
fn the_host_is_out_of_reach() {
    on_both(|name, ex| {
        let mut st = sandboxed(ex, LIMITS);
        let r = run(
            &mut st,
            "return io, package, require, dofile, loadfile, os.execute, os.getenv, os.exit, \
             os.remove, debug.getinfo, debug.sethook, debug.getregistry, debug.setmetatable",
        );
        assert_eq!(r.as_deref(), Ok(["nil"; 13].join(" ").as_str()), "[{name}]");
        let r = run(
            &mut st,
            "return os.time() > 0, os.clock() >= 0, type(os.date()), type(debug.traceback())",
        );
        assert_eq!(r.as_deref(), Ok("true true string string"), "[{name}]");
        for src in [
            "string.rep = nil",
            "math.pi = 3",
            "rawset(table, 'insert', print)",
            "setmetatable(string, {})",
            "getmetatable('').__index.rep = nil",
            "getmetatable('').__index = {}",
            "collectgarbage('stop')",
            "collectgarbage()",
            "load(string.dump(print))",
            "assert(load(string.dump(function() end)))",
        ] {
            let r = run(&mut st, src);
            assert!(r.is_err(), "[{name}] {src} was allowed");
        }
        let r = run(
            &mut st,
            "return ('x'):rep(3), string.format('%d', 7), math.max(1, 2), #getmetatable('').__index.rep('y', 2)",
        );
        assert_eq!(r.as_deref(), Ok("xxx 7 2 2"), "[{name}]");
        let r = run(&mut st, "return type(collectgarbage('count'))");
        assert_eq!(r.as_deref(), Ok("number"), "[{name}]");
    });
}

#[test]
fn terminate_stops_loops_and_natives_from_another_thread() {
    for src in [
        "while true do pcall(function() while true do end end) end",
        "return string.find(string.rep('a', 5000), '.-.-.-.-.-.-b')",
        "local t = {} for i = 1, 2e5 do t[i] = -i end while true do table.sort(t) end",
    ] {
        on_both(move |name, ex| {
            // No instruction budget: only the terminate request stops it.
            let mut st = sandboxed(
                ex,
                Limits {
                    instructions: None,
                    ..LIMITS
                },
            );
            let stop = st.interrupter();
            let dog = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                stop.terminate();
            });
            let r = run(&mut st, src);
            dog.join().unwrap();
            let e = r.expect_err(&format!("[{name}] {src} completed"));
            assert!(e.contains("interrupted!"), "[{name}] {src}: {e}");
            assert_eq!(st.aborted(), Some(Abort::Terminated), "[{name}]");
            assert_eq!(run(&mut st, "return 1 + 1").as_deref(), Ok("2"), "[{name}]");
        });
    }
}

#[test]
fn the_budget_is_per_host_call_and_exact_enough() {
    on_both(|name, ex| {
        let mut st = sandboxed(
            ex,
            Limits {
                instructions: Some(100_000),
                ..LIMITS
            },
        );
        // 90,000 iterations fit, every time.
        for _ in 0..3 {
            let r = run(
                &mut st,
                "local n = 0 for i = 1, 90000 do n = n + 1 end return n",
            );
            assert_eq!(r.as_deref(), Ok("90000"), "[{name}]");
        }
        let r = run(
            &mut st,
            "local n = 0 for i = 1, 110000 do n = n + 1 end return n",
        );
        assert!(r.is_err(), "[{name}] 110,000 iterations fit in 100,000");
    });
}
