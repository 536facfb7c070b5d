//! Binary chunks changed byte by byte, loaded and run on both executors:
//! every one ends as a function that runs (to a result, an error, or an
//! interrupt when it loops) or as "bad binary format", never as a panic.
//! In debug builds the executors' unchecked register accesses are
//! bounds-asserted, so an access the verifier should have refused panics
//! here instead of going unnoticed.
//!
//! The functions run in an environment of harmless library functions (no
//! `io`, `os`, `load`, no natives that loop over a count they are given),
//! stopped by a watchdog thread after a while; the programs use no string
//! constant that a one-byte change makes the name of such a function.
//!
//! The chunks are luna's dumps of a few programs and, when `luac5.4` is
//! installed (it must be under `CI=true`), `luac5.4`'s chunks of the same
//! programs (PUC-Rio's format, loaded by translation), plain and
//! stripped.
//!
//! Also: `luac5.4`'s chunks run as their source does; luna's chunks are
//! refused by lua5.4 as "integer overflow" (its reading of luna's
//! marker).

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lua_runtime::{Executor, State, Value};

const PROGRAMS: &[&str] = &[
    // Arithmetic, closures over loop variables, upvalues.
    "local acc, fs = 0, {}
     for i = 1, 20 do
       local j = i * 2
       fs[#fs + 1] = function(x) acc = acc + j + x return acc end
     end
     for k, f in ipairs(fs) do f(k % 3) end
     local x, y = 7, 3
     return acc, x // y, x % y, x / y, x ^ 2, x & y, x | y, x ~ y, x << 1, -x, ~y",
    // Tables, while/repeat, goto, and/or values and conditions.
    "local t = {}
     local i = 0
     while i < 15 do i = i + 1; t[i] = (i % 2 == 0) and i or -i end
     local n = 0
     repeat n = n + 1 until t[n] == nil or n > 30
     local s = 0
     for k = 1, #t do
       if t[k] > 0 and (k > 3 or k == 1) then goto skip end
       s = s + t[k]
       ::skip::
     end
     local u = {a = 1, b = {c = 2}, [3] = 'x'}
     return s, n, u.a + u.b.c, u[3] .. 'y', not u.z, #t",
    // Varargs, multiple results, calls with open results, tail calls.
    "local function pass(...) return ... end
     local function count(...) return select('#', ...) end
     local function tail(n, a) if n == 0 then return a end return tail(n - 1, a + n) end
     local t = {pass(1, 2, 3)}
     return count(pass(1, nil, 3)), #t, tail(50, 0), pass(), count(...), {...}",
    // Metatables with Lua metamethods, pcall, error, tostring.
    "local mt = {}
     mt.__add = function(a, b) return a.v + b.v end
     mt.__index = function(t, k) return k .. '!' end
     mt.__eq = function() return true end
     mt.__lt = function(a, b) return a.v < b.v end
     mt.__concat = function(a, b) return 'cat' end
     mt.__len = function() return 42 end
     local a = setmetatable({v = 1}, mt)
     local b = setmetatable({v = 2}, mt)
     local ok, e = pcall(function() error({code = 7}) end)
     local ok2, e2 = pcall(function() local z = nil; return z.f end)
     return a + b, a.key, a == b, a < b, a .. b, #a, ok, type(e), ok2, type(e2)",
    // Coroutines and generic for with a closing value.
    "local gen = coroutine.wrap(function(a)
       for i = 1, 5 do a = coroutine.yield(a + i) end
       return 'end'
     end)
     local r = {}
     for i = 1, 6 do r[#r + 1] = gen(i) end
     local closed = false
     local c = setmetatable({}, {__close = function() closed = true end})
     local n = 0
     for k in function(_, k) k = (k or 0) + 1 if k <= 3 then return k end end, nil, nil, c do
       n = n + k
     end
     do local z <close> = nil end
     return r[1], r[6], n, closed, tostring(nil)",
    // Numeric for loops of every kind, nested breaks.
    "local s = 0
     for i = 10, 1, -2 do s = s + i end
     for f = 0.25, 1, 0.25 do s = s + f end
     for i = 1, 3 do
       for j = 1, 3 do
         if j == i then break end
         s = s + j
       end
     end
     local w = 0
     while true do w = w + 1 if w > 4 then break end end
     return s, w",
];

fn executors() -> Vec<Rc<dyn Executor>> {
    vec![
        Rc::new(lua_exec_flat::FlatExecutor),
        Rc::new(lua_exec_tree::TreeExecutor),
    ]
}

/// Interrupts a run that lasts longer than `LIMIT`.
struct Watchdog {
    /// Start of the current run in ms since `epoch`, 0 when none runs.
    started: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
    epoch: Instant,
    thread: Option<std::thread::JoinHandle<()>>,
}

const LIMIT: Duration = Duration::from_millis(100);

impl Watchdog {
    fn new(st: &State) -> Watchdog {
        let stop = st.interrupter();
        let started = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let epoch = Instant::now();
        let (s, d) = (started.clone(), done.clone());
        let thread = std::thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
                let t = s.load(Ordering::Relaxed);
                let now = epoch.elapsed().as_millis() as u64;
                if t != 0 && now.saturating_sub(t) > LIMIT.as_millis() as u64 {
                    stop.interrupt();
                }
            }
        });
        Watchdog {
            started,
            done,
            epoch,
            thread: Some(thread),
        }
    }

    fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.started.store(now.max(1), Ordering::Relaxed);
        let r = f();
        self.started.store(0, Ordering::Relaxed);
        r
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const SAFE_ENV: &str = "return {
    ipairs = ipairs, pairs = pairs, next = next, select = select, type = type,
    tostring = tostring, tonumber = tonumber, setmetatable = setmetatable,
    getmetatable = getmetatable, rawget = rawget, rawset = rawset,
    rawequal = rawequal, rawlen = rawlen, error = error, pcall = pcall,
    assert = assert, coroutine = coroutine,
}";

#[derive(Default, Debug)]
struct Outcomes {
    refused: usize,
    returned: usize,
    raised: usize,
}

/// A run's outcome as text, addresses masked.
fn describe(r: &lua_runtime::LuaResult<Vec<Value>>) -> String {
    let show = |v: &Value| match v {
        Value::Str(s) => format!("{:?}", String::from_utf8_lossy(s.as_bytes())),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Bool(b) => b.to_string(),
        other => other.type_name().to_string(),
    };
    let text = match r {
        Ok(vs) => vs.iter().map(show).collect::<Vec<_>>().join(", "),
        Err(e) => format!("error {}", show(&e.value)),
    };
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i]);
        out.push_str("ADDR");
        rest = rest[i + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// `luac5.4 [-s] -o <out> <src>` of `src`, or `None` without luac5.4
/// (which `CI=true` does not accept).
fn luac(src: &str, strip: bool) -> Option<Vec<u8>> {
    if !tests::process::oracle_available("luac5.4") {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let (file, out) = (dir.path().join("prog.lua"), dir.path().join("prog.luac"));
    std::fs::write(&file, src).unwrap();
    let mut cmd = std::process::Command::new("luac5.4");
    if strip {
        cmd.arg("-s");
    }
    // Run in the directory: the chunk name is `@prog.lua`, every time.
    let status = cmd
        .current_dir(dir.path())
        .args(["-o", "prog.luac", "prog.lua"])
        .status()
        .unwrap();
    assert!(status.success(), "luac5.4 failed on {src}");
    Some(std::fs::read(&out).unwrap())
}

/// The chunks to change: luna's dumps and luac5.4's chunks of every
/// program, plain and stripped, with a label.
fn chunks() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (pi, src) in PROGRAMS.iter().enumerate() {
        let p = lua_bytecode::compile_source(src.as_bytes(), "=prog").unwrap();
        for strip in [false, true] {
            out.push((
                format!("program {pi} strip {strip}"),
                lua_bytecode::dump(&p, strip),
            ));
            if let Some(c) = luac(src, strip) {
                out.push((format!("program {pi} luac strip {strip}"), c));
            }
        }
    }
    out
}

fn mutate_and_run(ex: Rc<dyn Executor>, out: &mut Outcomes) -> Vec<String> {
    let mut runs = Vec::new();
    let mut st = State::new(ex);
    let dog = Watchdog::new(&st);
    let mk = st.load(SAFE_ENV.as_bytes(), "=env", "t", None).unwrap();
    // Rooted: the collector runs between the loads.
    st.set_global("__mk", mk);
    for (label, d) in chunks() {
        for at in 0..d.len() {
            for change in [0x01u8, 0x80, 0x0f, 0xff] {
                let mut m = d.clone();
                m[at] ^= change;
                if std::env::var("TRACE_MUTATIONS").is_ok() {
                    eprintln!("{label} byte {at} ^ {change:#x}");
                }
                // A fresh environment per run, kept as a global while
                // it is not yet an upvalue.
                let env = st.call(mk, &[]).unwrap()[0];
                st.set_global("__env", env);
                let f = match st.load(&m, "=mutated", "b", Some(env)) {
                    Ok(f) => f,
                    Err(e) => {
                        let msg = match e.value {
                            Value::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                            _ => String::new(),
                        };
                        assert!(
                            msg.starts_with("mutated: bad binary format (")
                                || (at == 0 && msg.contains("text chunk")),
                            "{label}, byte {at} ^ {change:#x}: {msg}"
                        );
                        out.refused += 1;
                        continue;
                    }
                };
                let r = dog.run(|| st.call(f, &[Value::Int(3), Value::Nil]));
                match r {
                    Ok(_) => out.returned += 1,
                    Err(_) => out.raised += 1,
                }
                runs.push(describe(&r));
                // Clear an interrupt that came after the run ended.
                st.clear_interrupt();
            }
            if at % 16 == 0 {
                st.full_gc();
            }
        }
    }
    // The state still works.
    let g = st.load(b"return 6 * 7", "=after", "t", None).unwrap();
    assert!(matches!(st.call(g, &[]).unwrap()[0], Value::Int(42)));
    runs
}

#[test]
fn changed_chunks_run_or_are_refused() {
    // A big stack: natives calling Lua recurse on it (up to the C-call
    // limit), and debug builds use much of it per level.
    let r = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut all = Vec::new();
            for ex in executors() {
                let mut out = Outcomes::default();
                let name = ex.name();
                let runs = mutate_and_run(ex, &mut out);
                all.push((name, out, runs));
            }
            all
        })
        .unwrap()
        .join()
        .unwrap();
    // Both executors agree on every function that loaded (unless one run
    // was stopped by the watchdog).
    let (a, b) = (&r[0].2, &r[1].2);
    assert_eq!(a.len(), b.len());
    let stopped = |s: &str| s.contains("interrupted!");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(x == y || stopped(x) || stopped(y), "run {i}: {x} vs {y}");
    }
    for (name, out, _) in &r {
        eprintln!("{name}: {out:?}");
        assert!(
            out.refused > 100 && out.returned + out.raised > 100,
            "{name}: {out:?}"
        );
    }
}

/// `luac5.4`'s chunks of the programs load and return what the programs
/// compiled by luna return, on both executors (when luac5.4 is
/// installed; under `CI=true` it must be).
#[test]
fn luac_chunks_run_as_their_source() {
    for ex in executors() {
        let name = ex.name();
        let mut st = State::new(ex);
        for (pi, src) in PROGRAMS.iter().enumerate() {
            let Some(chunk) = luac(src, false) else {
                return;
            };
            let mut results = Vec::new();
            for (what, mode) in [(src.as_bytes(), "t"), (&chunk[..], "b")] {
                let f = st.load(what, "=prog", mode, None).unwrap();
                let r = st.call(f, &[Value::Int(3), Value::Nil]);
                results.push(describe(&r));
            }
            assert_eq!(results[0], results[1], "{name}: program {pi}");
        }
    }
}

/// lua5.4 refuses luna's chunks with "integer overflow": luna's marker,
/// where lua5.4 reads the size of the main function's source (when lua5.4
/// is installed; under `CI=true` it must be).
#[test]
fn lua54_refuses_luna_chunks() {
    if !tests::process::oracle_available("lua5.4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.luac");
    let p = lua_bytecode::compile_source(PROGRAMS[0].as_bytes(), "=prog").unwrap();
    for strip in [false, true] {
        std::fs::write(&file, lua_bytecode::dump(&p, strip)).unwrap();
        let script = format!(
            "print(load(io.open({:?}, 'rb'):read('a'), '=x'))",
            file.display()
        );
        let out = std::process::Command::new("lua5.4")
            .arg("-e")
            .arg(script)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "nil\tx: bad binary format (integer overflow)\n"
        );
    }
}

fn uvar(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A chunk (lua-bytecode's format) whose main function has the given
/// code (`nodes` nodes, `code_len` instructions), two registers and no
/// constants.
fn chunk(code_len: u64, nodes: u64, code: &[u8]) -> Vec<u8> {
    let mut b = lua_bytecode::dump::header(0);
    // No source, lines 0 0, no params, no flags, 2 registers.
    b.extend_from_slice(&[0, 0, 0, 0, 0, 2]);
    uvar(&mut b, code_len);
    b.extend_from_slice(&[0, 0, 0]); // constants, upvalues, functions
    uvar(&mut b, nodes);
    b.extend_from_slice(code);
    b.extend_from_slice(&[0, 0, 0]); // no lines, locals, names
    b
}

/// Code nested as deeply as the loader allows runs on both executors,
/// on a test thread's ordinary stack: loops nested 3999 deep left by one
/// `break`, and a condition of 3990 leaves, all true, nested to the
/// right (the tree executor finds a leaf by walking down to it).
#[test]
fn deepest_chunks_run() {
    let n = 3990u64;
    let mut loops = Vec::new();
    for _ in 0..n {
        loops.extend_from_slice(&[4, 1]); // a loop whose body has one node
    }
    loops.push(7); // break out of all of them
    uvar(&mut loops, n);
    loops.push(0); // at pc 0
    for d in 1..=n {
        uvar(&mut loops, d); // each loop's back jump, the innermost first
    }
    loops.extend_from_slice(&[0, 5, 1]); // LoadTrue R1
    uvar(&mut loops, n + 1);
    loops.extend_from_slice(&[0, 56, 1]); // Return1 R1
    uvar(&mut loops, n + 2);
    let loops = chunk(n + 3, 3, &loops);

    let mut cond = vec![0, 5, 0, 0]; // LoadTrue R0 at pc 0
    cond.push(1); // if
    for k in 1..=n {
        if k < n {
            cond.extend_from_slice(&[1, 1]); // and, one leaf on the left
        }
        cond.extend_from_slice(&[0, 0, 0, 0, 0]); // leaf: no pre, Truthy(R0), not negated
        uvar(&mut cond, k);
    }
    cond.extend_from_slice(&[1, 0, 5, 1]); // then: LoadTrue R1
    uvar(&mut cond, n + 1);
    cond.push(0); // no else
    cond.push(0); // the jump over it (none)
    cond.extend_from_slice(&[0, 56, 1]); // Return1 R1
    uvar(&mut cond, n + 2);
    let cond = chunk(n + 3, 3, &cond);

    for ex in executors() {
        let name = ex.name();
        let mut st = State::new(ex);
        for c in [&loops, &cond] {
            let f = st.load(c, "=deep", "b", None).unwrap();
            let r = st.call(f, &[]).unwrap_or_else(|_| panic!("{name}"));
            assert!(matches!(r[..], [Value::Bool(true)]), "{name}");
        }
    }
}

/// A to-be-closed slot left marked above a call's function register (as
/// luac5.4.4 compiles a `break` out of a generic `for` whose body makes
/// a closure: the jump's `CLOSE` starts one register too high) is cut
/// off the stack by a native run in place; when the native raises, the
/// unwinding finds the slot gone. An error, not a panic, on both
/// executors.
#[test]
fn stale_to_be_closed_slot() {
    // Two parameters (a function to call, a closable value), needs_close,
    // 4 registers: R3 := R1; mark R3; R0(); return.
    let mut b = lua_bytecode::dump::header(0);
    b.extend_from_slice(&[0, 0, 0, 2, 2, 4]);
    uvar(&mut b, 4); // code_len
    b.extend_from_slice(&[0, 0, 0]); // constants, upvalues, functions
    b.push(4); // nodes:
    b.extend_from_slice(&[0, 0, 3, 1, 0]); // Move R3 R1
    b.extend_from_slice(&[0, 51, 3, 1]); // Tbc R3
    b.extend_from_slice(&[0, 52, 0, 0, 0, 2]); // Call R0, no arguments, no results
    b.extend_from_slice(&[0, 55, 3]); // Return0
    b.extend_from_slice(&[0, 0, 0]); // no lines, locals, names
    for ex in executors() {
        let name = ex.name();
        let mut st = State::new(ex);
        let f = st.load(&b, "=stale", "b", None).unwrap();
        let setup = "local closed = 0
            local o = setmetatable({}, {__close = function() closed = closed + 1 end})
            return o, function() return closed end";
        let g = st.load(setup.as_bytes(), "=setup", "t", None).unwrap();
        let r = st.call(g, &[]).unwrap();
        let (o, count) = (r[0], r[1]);
        // Rooted: the collector runs in between.
        st.set_global("__o", o);
        st.set_global("__count", count);
        let error = st.get_global("error");
        let r = st.call(f, &[error, o]);
        assert!(r.is_err(), "{name}");
        // A native that returns (what the slot then holds is not
        // specified: no panic is).
        let gc = st.get_global("collectgarbage");
        let _ = st.call(f, &[gc, o]);
        st.call(count, &[]).unwrap();
    }
}

/// An upvalue captured from a register above the ones a call then uses
/// (a hand-made chunk: compiled code captures locals, below every call)
/// is read while a native run in place has cut it off the stack, and
/// closed by a return whose results end below it. No panic on either
/// executor.
#[test]
fn upvalue_cut_off_the_stack() {
    // main(f): R5 := 42; R1 := closure capturing R5; return f(R1)
    // (needs_close, 6 registers); the closure returns its upvalue.
    let mut b = lua_bytecode::dump::header(0);
    b.extend_from_slice(&[0, 0, 0, 1, 2, 6]);
    uvar(&mut b, 4); // code_len
    b.extend_from_slice(&[0, 0, 1]); // constants, upvalues, one function:
    b.extend_from_slice(&[0, 0, 0, 0, 0, 1, 2, 0]); // 1 register, code_len 2
    b.extend_from_slice(&[1, 1, 5, 1, b'u']); // upvalue R5 of the parent, "u"
    b.push(0); // no functions
    b.push(2); // nodes:
    b.extend_from_slice(&[0, 7, 0, 0, 0]); // GetUpval R0 U0
    b.extend_from_slice(&[0, 56, 0, 1]); // Return1 R0
    b.extend_from_slice(&[0, 0, 0]); // no lines, locals, names
    b.push(4); // the main function's nodes:
    b.extend_from_slice(&[0, 1, 5, 84, 0]); // LoadI R5 42
    b.extend_from_slice(&[0, 58, 1, 0, 1]); // Closure R1 F0
    b.extend_from_slice(&[0, 52, 0, 1, 255, 2]); // Call R0 (R1), all results
    b.extend_from_slice(&[0, 54, 0, 255, 3]); // Return R0... (up to top)
    b.extend_from_slice(&[0, 0, 0]); // no lines, locals, names
    for ex in executors() {
        let name = ex.name();
        let mut st = State::new(ex);
        let f = st.load(&b, "=cut", "b", None).unwrap();
        for native in ["pcall", "coroutine"] {
            let v = if native == "coroutine" {
                let co = st.load(b"return coroutine.wrap", "=w", "t", None).unwrap();
                st.call(co, &[]).unwrap()[0]
            } else {
                st.get_global(native)
            };
            st.set_global("__native", v);
            let r = st.call(f, &[v]);
            assert!(r.is_ok(), "{name} {native}: {}", describe(&r));
        }
    }
}
