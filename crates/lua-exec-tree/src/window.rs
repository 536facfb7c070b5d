//! Unchecked access to the running frame's register window: the only
//! `unsafe` of the tree executor.
//!
//! Every access re-derives the slice from `st.th.stack` (no pointer is
//! cached across nodes, so a stack reallocation by a call or a metamethod
//! can never leave a dangling pointer behind); within one node the
//! optimiser folds the repeated loads of the stack's pointer. What is
//! skipped is the bounds check, which the following invariant makes
//! redundant.
//!
//! # Invariant
//!
//! While a Lua frame with window `base` runs a node,
//! `st.th.stack.len() >= base + proto.max_registers`: lua-runtime's
//! `push_lua_frame` sizes the stack to the frame's extent, `post_call`
//! (and the walk's own quick return, which does what `post_call` does)
//! restores at least that extent when a call returns into a Lua frame, and
//! everything else (natives, metamethods through `State::call`) only
//! pushes above the current length and truncates back to it. lua-bytecode
//! guarantees that no instruction, test or loop names a register
//! `>= max_registers` (checked on every file of the repository by
//! `tests/invariants.rs`). Both halves are checked by `debug_assert!` in
//! debug builds.

use lua_runtime::{State, Value};

/// `R[r]` of the frame at `base`.
#[inline(always)]
pub fn get(st: &State, base: usize, r: u8) -> Value {
    *get_ref(st, base, r)
}

/// `&R[r]` of the frame at `base` (lets a fast path read a tag and a
/// payload without copying the whole value).
#[inline(always)]
pub fn get_ref(st: &State, base: usize, r: u8) -> &Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: `i < base + max_registers <= stack.len()` (module invariant).
    unsafe { st.th.stack.get_unchecked(i) }
}

/// `&mut R[r]` of the frame at `base` (for plain stores and for the
/// single-store number writes, `Value::store_int` and friends).
#[inline(always)]
pub fn slot(st: &mut State, base: usize, r: u8) -> &mut Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: as in `get_ref`.
    unsafe { st.th.stack.get_unchecked_mut(i) }
}

/// The four registers of a numeric `for` loop starting at `R[r]` (the
/// compiler allots `r..r+4` to the loop, so `r + 3 < max_registers`).
#[inline(always)]
pub fn for_regs(st: &mut State, base: usize, r: u8) -> &mut [Value] {
    let i = base + r as usize;
    debug_assert!(i + 4 <= st.th.stack.len());
    // SAFETY: `i + 3 < base + max_registers <= stack.len()`.
    unsafe { st.th.stack.get_unchecked_mut(i..i + 4) }
}
