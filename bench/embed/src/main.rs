//! luna vs mlua (vendored Lua 5.4) on the embedding API's hot paths and on
//! creating a state. Prints
//! the best of several runs of each case and the ratio luna / mlua (below
//! 1: luna is faster).

use std::time::{Duration, Instant};

const CALLS: i64 = 1_000_000;
const FIELDS: usize = 1_000;
const TABLE_ROUNDS: usize = 1_000;
const RUNS: usize = 5;
const STATES: usize = 2_000;

fn best(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

const LUA_CALLS_RUST: &str = "local f, n = add, ... local s = 0 for i = 1, n do s = f(s, i) end return s";
const SUM_FIELDS: &str = "function(t) local s = 0 for _, v in pairs(t) do s = s + v end return s end";
const MAKE_FIELDS: &str = "function(n) local t = {} for i = 1, n do t['k' .. i] = i end return t end";

mod luna_side {
    use super::*;
    use std::collections::HashMap;

    /// A state with every standard library, created and dropped.
    pub fn new_state() -> Duration {
        best(|| {
            for _ in 0..STATES {
                drop(std::hint::black_box(luna::Lua::new()));
            }
        })
    }

    pub fn rust_from_lua() -> Duration {
        let lua = luna::Lua::new();
        let add = lua.create_function(|_, (a, b): (i64, i64)| Ok(a + b)).unwrap();
        lua.globals().set("add", add).unwrap();
        let f = lua.load(LUA_CALLS_RUST).into_function().unwrap();
        best(|| assert_eq!(f.call::<_, i64>(CALLS).unwrap(), CALLS * (CALLS + 1) / 2))
    }

    pub fn lua_from_rust() -> Duration {
        let lua = luna::Lua::new();
        let f: luna::Function = lua.load("function(a, b) return a + b end").eval().unwrap();
        best(|| {
            let mut s = 0i64;
            for i in 1..=CALLS {
                s = f.call((s, i)).unwrap();
            }
            assert_eq!(s, CALLS * (CALLS + 1) / 2);
        })
    }

    pub fn table_across() -> Duration {
        let lua = luna::Lua::new();
        let sum: luna::Function = lua.load(SUM_FIELDS).eval().unwrap();
        let make: luna::Function = lua.load(MAKE_FIELDS).eval().unwrap();
        let fields: HashMap<String, i64> = (1..=FIELDS as i64).map(|i| (format!("k{i}"), i)).collect();
        let want = (FIELDS * (FIELDS + 1) / 2) as i64;
        best(|| {
            for _ in 0..TABLE_ROUNDS / 2 {
                // Rust -> Lua: a HashMap becomes a table.
                assert_eq!(sum.call::<_, i64>(fields.clone()).unwrap(), want);
                // Lua -> Rust: a table becomes a HashMap.
                let back: HashMap<String, i64> = make.call(FIELDS).unwrap();
                assert_eq!(back.len(), FIELDS);
            }
        })
    }
}

mod mlua_side {
    use super::*;
    use std::collections::HashMap;

    /// `luaL_newstate` + `luaL_openlibs` (every library, `debug` too, as
    /// `luna::Lua::new` opens them) and `lua_close`.
    pub fn new_state() -> Duration {
        best(|| {
            for _ in 0..STATES {
                // SAFETY: the `debug` library is opened, nothing else.
                drop(std::hint::black_box(unsafe { mlua::Lua::unsafe_new() }));
            }
        })
    }

    pub fn rust_from_lua() -> Duration {
        let lua = mlua::Lua::new();
        let add = lua.create_function(|_, (a, b): (i64, i64)| Ok(a + b)).unwrap();
        lua.globals().set("add", add).unwrap();
        let f = lua.load(LUA_CALLS_RUST).into_function().unwrap();
        best(|| assert_eq!(f.call::<i64>(CALLS).unwrap(), CALLS * (CALLS + 1) / 2))
    }

    pub fn lua_from_rust() -> Duration {
        let lua = mlua::Lua::new();
        let f: mlua::Function = lua.load("function(a, b) return a + b end").eval().unwrap();
        best(|| {
            let mut s = 0i64;
            for i in 1..=CALLS {
                s = f.call((s, i)).unwrap();
            }
            assert_eq!(s, CALLS * (CALLS + 1) / 2);
        })
    }

    pub fn table_across() -> Duration {
        let lua = mlua::Lua::new();
        let sum: mlua::Function = lua.load(SUM_FIELDS).eval().unwrap();
        let make: mlua::Function = lua.load(MAKE_FIELDS).eval().unwrap();
        let fields: HashMap<String, i64> = (1..=FIELDS as i64).map(|i| (format!("k{i}"), i)).collect();
        let want = (FIELDS * (FIELDS + 1) / 2) as i64;
        best(|| {
            for _ in 0..TABLE_ROUNDS / 2 {
                assert_eq!(sum.call::<i64>(fields.clone()).unwrap(), want);
                let back: HashMap<String, i64> = make.call(FIELDS).unwrap();
                assert_eq!(back.len(), FIELDS);
            }
        })
    }
}

fn main() {
    let cases: [(&str, fn() -> Duration, fn() -> Duration); 4] = [
        ("call a Rust function from Lua x1M", luna_side::rust_from_lua, mlua_side::rust_from_lua),
        ("call a Lua function from Rust x1M", luna_side::lua_from_rust, mlua_side::lua_from_rust),
        (
            "1,000-field table across x1000 (500 each way)",
            luna_side::table_across,
            mlua_side::table_across,
        ),
        ("create and close a state x2000", luna_side::new_state, mlua_side::new_state),
    ];
    println!("{:<48} {:>10} {:>10} {:>11}", "case", "luna", "mlua", "luna/mlua");
    // An argument selects cases by substring (for profiling one).
    let filter = std::env::args().nth(1).unwrap_or_default();
    for (name, l, m) in cases.into_iter().filter(|c| c.0.contains(&filter)) {
        let (tl, tm) = (l(), m());
        println!(
            "{:<48} {:>8.1}ms {:>8.1}ms {:>11.2}",
            name,
            tl.as_secs_f64() * 1e3,
            tm.as_secs_f64() * 1e3,
            tl.as_secs_f64() / tm.as_secs_f64()
        );
    }
}
