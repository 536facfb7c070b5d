//! The differential corpus of luna: Lua programs whose expected stdout,
//! stderr and exit status were produced by PUC-Rio `lua5.4`, and the
//! machinery that runs them.
//!
//! This library is what the two harness-less integration tests share:
//! `tests/corpus.rs` runs every case on every luna executor (and under GC
//! stress) and compares with the stored expectations; `tests/expectations.rs`
//! re-runs `lua5.4` to check the stored expectations are still what the
//! oracle prints, and rewrites them with `LUNA_CORPUS_REGEN=1`. It is not an
//! interpreter and has no Lua semantics of its own: the only Lua knowledge
//! here is how the two command-line tools name themselves in an uncaught
//! error and where its traceback starts. See
//! `docs/TESTING.md` for the layout of a case and every environment knob.
//!
//! ```
//! use tests::compare::{compare, Expected, Observed};
//!
//! // lua5.4 names itself in an uncaught error; luna calls itself `luna`.
//! // Everything else, the traceback included, must be the same.
//! let expected = Expected {
//!     stdout: b"1\n".to_vec(),
//!     stderr: b"lua5.4: x.lua:2: boom\nstack traceback:\n\t[C]: in ?\n".to_vec(),
//!     status: 1,
//! };
//! let observed = Observed {
//!     stdout: b"1\n".to_vec(),
//!     stderr: b"luna: x.lua:2: boom\nstack traceback:\n\tx.lua:2: in main chunk\n".to_vec(),
//!     status: Some(1),
//!     timed_out: false,
//! };
//! assert!(compare(&expected, &observed, true).is_err());
//! // Comparing only the message (LUNA_CORPUS_TRACEBACK=0) accepts it.
//! assert_eq!(compare(&expected, &observed, false), Ok(()));
//! ```

pub mod case;
pub mod compare;
pub mod known;
pub mod process;
pub mod summary;
