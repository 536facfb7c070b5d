//! The standard libraries (PUC's `l*lib.c`), one module each, and the
//! argument-checking helpers they share ([`args`], as `lauxlib`).
//! [`State::new`](crate::State::new) opens them all.

pub mod args;
pub mod base;
pub mod coroutine;
pub mod debug;
pub mod io;
pub mod math;
pub mod os;
pub mod package;
pub mod string;
pub mod table;
pub mod utf8;
