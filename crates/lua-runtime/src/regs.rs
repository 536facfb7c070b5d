//! Unchecked access to a running Lua frame's register window, for the
//! executors' hot loops (both use it; the bounds check is what it skips).
//!
//! Every access re-derives the slot from `st.th.stack` (no pointer is
//! cached across instructions, so a stack reallocation by a call or a
//! metamethod can never leave a dangling pointer behind); within one
//! instruction the optimiser folds the repeated loads of the stack's
//! pointer.
//!
//! # Invariant
//!
//! While a Lua frame with window `base` runs an instruction,
//! `st.th.stack.len() >= base + proto.max_registers`: [`crate::interp`]'s
//! `push_lua_frame` sizes the stack to the frame's extent, `post_call`
//! (and the executors' quick returns, which do what it does) restore at
//! least that extent when a call returns into a Lua frame, and everything
//! else (natives, metamethods through `State::call`) only pushes above the
//! current length and truncates back to it. lua-bytecode guarantees that no
//! instruction, test or loop names a register `>= max_registers` (checked
//! on every file of the repository by its `tests/invariants.rs`). Both
//! halves are checked by `debug_assert!` in debug builds. Callers must
//! only pass the `base` of the Lua frame that is running.

use crate::state::State;
use crate::value::Value;

/// `&R[r]` of the frame at `base` (lets a fast path read a tag and a
/// payload without copying the whole value).
#[inline(always)]
pub fn get_ref(st: &State, base: usize, r: u8) -> &Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: `i < base + max_registers <= stack.len()` (module invariant).
    unsafe { st.th.stack.get_unchecked(i) }
}

/// `R[r]` of the frame at `base`.
#[inline(always)]
pub fn get(st: &State, base: usize, r: u8) -> Value {
    *get_ref(st, base, r)
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

/// `R[r] := v` in the frame at `base`.
#[inline(always)]
pub fn set(st: &mut State, base: usize, r: u8, v: Value) {
    *slot(st, base, r) = v;
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
