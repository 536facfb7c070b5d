//! What the executors use: the call protocol, frames, register access,
//! fast paths, operators, metamethod lookup, coroutine switches, and the
//! instruction bodies both executors expand.
//!
//! This module is public for the executor crates (lua-exec-tree,
//! lua-exec-flat) and for anyone writing another executor; it is not an
//! embedding API. Its functions assume the invariants the executors keep
//! (a running frame's registers lie inside the value stack, collection
//! only at safepoints); the unchecked ones are `unsafe fn` and say what
//! they need.
//!
//! - [`executor`]: the [`Executor`](executor::Executor) trait.
//! - [`frame`]: call frames and the per-thread stacks.
//! - [`stack`]: the value stack and the open upvalues pointing into it.
//! - [`interp`]: calls, returns, error unwinding, protected calls, and the
//!   runtime side of the instructions that are not plain operations
//!   (`for`, closures, varargs, to-be-closed variables).
//! - [`run`]: the run loop around an executor's walk (`execute`,
//!   `resume`), the same for every executor.
//! - [`regs`]: unchecked register access and the register window.
//! - [`fast`]: inline fast paths (number arithmetic, raw table access,
//!   conditional tests) and their out-of-line full paths.
//! - [`ops`]: every operator's semantics with lua5.4's error text;
//!   [`meta`]: the one metamethod lookup path.
//! - [`coroutine`]: moving a coroutine's stacks in and out, yields.
//! - [`debug`]: line information, function names, tracebacks.
//! - [`hook`]: debug hooks: per-thread state and the events the hooked
//!   walks raise.
//! - [`instructions`]: the instruction bodies both executors share
//!   (the `vm_instructions!` and `vm_step!` macros).

// Here and in every submodule: every narrowing `as` is either fixed or
// states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

pub mod coroutine;
pub mod debug;
pub mod executor;
pub mod fast;
pub mod frame;
pub mod hook;
pub mod interp;
pub mod meta;
pub mod ops;
pub mod regs;
pub mod run;
pub mod stack;

pub mod instructions;

/// The instruction set the executors run (re-exported for the shared
/// instruction bodies).
pub use lua_bytecode::{MULTRET, Op, RK, Test};
