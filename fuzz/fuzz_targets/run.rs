//! Fuzz target: any source runs on each executor, sandboxed, under an
//! instruction budget and a memory cap, and ends (with a result or an
//! error) without a panic, a hang or unbounded memory; the state answers
//! afterwards.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lua_runtime::Value;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    for ex in common::executors() {
        let out = common::Captured::default();
        let mut st = common::state(ex, &out);
        if let Ok(f) = st.load(data, "=fuzz", "t", None) {
            let _ = st.call(f, &[]);
        }
        st.reset_budget();
        let g = st.load(b"return 6 * 7", "=after", "t", None).unwrap();
        let r = st.call(g, &[]).expect("the state answers after a run");
        assert!(matches!(r[0], Value::Int(42)));
    }
});
