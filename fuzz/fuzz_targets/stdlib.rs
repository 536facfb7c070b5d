//! Fuzz target: the standard library's own parsers with arbitrary
//! arguments: patterns (`find`, `match`, `gmatch`, `gsub`), `format`,
//! `pack`/`unpack`/`packsize` formats, `tonumber` with a base, and the
//! `utf8` functions. Each call returns or raises a Lua error; a panic, a
//! hang or unbounded memory is a bug. The input is split at the first two
//! zero bytes into a subject, a pattern or format, and a selector.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lua_runtime::Value;

#[path = "common.rs"]
mod common;

const CALLS: &[&str] = &[
    "return string.find(s, p)",
    "return string.find(s, p, n)",
    "return string.match(s, p)",
    "local r = {} for a, b in string.gmatch(s, p) do r[#r + 1] = a end return #r",
    "return string.gsub(s, p, '%0%1')",
    "return string.gsub(s, p, function(...) return select('#', ...) end)",
    "return string.gsub(s, p, {})",
    "return string.format(p, s, n, n, s)",
    "return string.format(p, n, n, n)",
    "return string.pack(p, n, n, s)",
    "return string.unpack(p, s)",
    "return string.packsize(p)",
    "return tonumber(s, n % 40)",
    "return tonumber(s)",
    "return utf8.len(s, n)",
    "return utf8.codepoint(s, 1, -1)",
    "local r = 0 for _, c in utf8.codes(s) do r = r + c end return r",
    "return utf8.offset(s, n)",
    "return utf8.char(n % 0x80000000)",
    "return s:rep(n % 64, p)",
];

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let s = parts.next().unwrap_or_default();
    let p = parts.next().unwrap_or_default();
    let sel = parts.next().unwrap_or_default();
    let which = sel.first().copied().unwrap_or(0) as usize % CALLS.len();
    let n = sel
        .get(1..9)
        .map_or(1, |b| i64::from_le_bytes(b.try_into().unwrap_or([1, 0, 0, 0, 0, 0, 0, 0])));
    for ex in common::executors() {
        let out = common::Captured::default();
        let mut st = common::state(ex, &out);
        let src = format!("local s, p, n = ... {}", CALLS[which]);
        let f = st.load(src.as_bytes(), "=stdlib", "t", None).unwrap();
        let (sv, pv) = (st.str_value(s), st.str_value(p));
        let _ = st.call(f, &[sv, pv, Value::Int(n)]);
    }
});
