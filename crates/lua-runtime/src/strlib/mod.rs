//! The string library's algorithms, independent of the runtime's values:
//! number formatting, `string.format`, Lua patterns, `string.pack`, and the
//! small helpers (`rep`, case mapping, position rules, UTF-8).
//!
//! Everything here works on byte slices, `i64` and `f64`, and reports errors
//! as plain data carrying lua5.4's wording, so the runtime wraps these
//! functions over its own `Value`/`State` and the algorithms are tested on
//! their own.

pub mod bytes;
pub mod format;
pub mod number_fmt;
pub mod pack;
pub mod pattern;
pub mod utf8;
