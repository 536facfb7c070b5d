//! Fuzz target: both executors run the same program (sandboxed, limited,
//! deterministic: no clock, a fixed random seed) and must print the same
//! output, end with the same error and leave the same globals. Runs cut
//! short by a limit are not compared past the limit: the executors may
//! count work differently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lua_runtime::{State, Value};

#[path = "common.rs"]
mod common;

/// Heap addresses (`table: 0x...`) differ between states.
fn normalize(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let mut out = String::with_capacity(s.len());
    let mut rest = &*s;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i + 2]);
        rest = rest[i + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

fn globals(st: &mut State) -> String {
    let g = st.load(
        b"local t = {} for k, v in pairs(_G) do t[#t + 1] = tostring(k) .. ':' .. type(v) end \
          table.sort(t) return table.concat(t, ' ')",
        "=globals",
        "t",
        None,
    );
    st.reset_budget();
    match g.and_then(|f| st.call(f, &[])) {
        Ok(r) => match r.first() {
            Some(Value::Str(s)) => s.to_str_lossy().into_owned(),
            _ => String::new(),
        },
        Err(e) => format!("error {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut runs = Vec::new();
    for ex in common::executors() {
        let out = common::Captured::default();
        let mut st = common::state(ex, &out);
        let setup = b"os = nil collectgarbage = nil math.randomseed(7)";
        let s = st.load(setup, "=setup", "t", None).unwrap();
        st.call(s, &[]).unwrap();
        st.reset_budget();
        let result = match st.load(data, "=fuzz", "t", None) {
            Ok(f) => match st.call(f, &[]) {
                Ok(r) => format!("returned {}", r.len()),
                Err(e) => format!("error {}", normalize(e.to_string().as_bytes())),
            },
            Err(e) => format!("load error {e}"),
        };
        let limited = st.aborted().is_some()
            || result.contains("not enough memory")
            || result.contains("stack overflow");
        let g = globals(&mut st);
        runs.push((limited, normalize(&out.0.borrow()), result, g));
    }
    let (a, b) = (&runs[0], &runs[1]);
    if a.0 || b.0 {
        return;
    }
    assert_eq!(a.1, b.1, "output differs (tree, flat)");
    assert_eq!(a.2, b.2, "result differs (tree, flat)");
    assert_eq!(a.3, b.3, "globals differ (tree, flat)");
});
