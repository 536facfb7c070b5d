//! Unchecked access to the running frame's register window: the only
//! `unsafe` of the flat executor.
//!
//! Every access re-derives the slice from `st.th.stack` (no pointer is
//! cached across instructions, so a stack reallocation by a call or a
//! metamethod can never leave a dangling pointer behind); within one
//! instruction the optimiser folds the repeated loads of the stack's
//! pointer. What is skipped is the bounds check, which the following
//! invariant makes redundant.
//!
//! # Invariant
//!
//! While a Lua frame with window `base` runs an instruction,
//! `st.th.stack.len() >= base + proto.max_registers`: `push_lua_frame`
//! sizes the stack to the frame's extent, `post_call` restores at least
//! that extent when a call returns into a Lua frame, and everything else
//! (natives, metamethods through `State::call`) only pushes above the
//! current length and truncates back to it. lua-bytecode guarantees that no
//! instruction names a register `>= max_registers` (checked on every file
//! of the repository by `tests/invariants.rs`). Both halves are checked by
//! `debug_assert!` in debug builds.

use lua_bytecode::Op;
use lua_runtime::{State, Value};

/// `R[r]` of the frame at `base`.
#[inline(always)]
pub fn get(st: &State, base: usize, r: u8) -> Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: `i < base + max_registers <= stack.len()` (module invariant).
    unsafe { *st.th.stack.get_unchecked(i) }
}

/// `R[r] := v` in the frame at `base`.
#[inline(always)]
pub fn set(st: &mut State, base: usize, r: u8, v: Value) {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: as in `get`.
    unsafe { *st.th.stack.get_unchecked_mut(i) = v }
}

/// `&mut R[r]` of the frame at `base` (for the single-store number
/// writes, `Value::store_int` and friends).
#[inline(always)]
pub fn slot(st: &mut State, base: usize, r: u8) -> &mut Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: as in `get`.
    unsafe { st.th.stack.get_unchecked_mut(i) }
}

/// The four registers of a numeric `for` loop starting at `R[r]`
/// (the compiler allots `r..r+4` to the loop: `ForLoop`'s `max_register`
/// is `r + 3`).
#[inline(always)]
pub fn for_regs(st: &mut State, base: usize, r: u8) -> &mut [Value] {
    let i = base + r as usize;
    debug_assert!(i + 4 <= st.th.stack.len());
    // SAFETY: `i + 3 < base + max_registers <= stack.len()`.
    unsafe { st.th.stack.get_unchecked_mut(i..i + 4) }
}

/// `&R[r]` of the frame at `base` (lets a fast path read a tag and a
/// payload without copying the whole value).
#[inline(always)]
pub fn get_ref(st: &State, base: usize, r: u8) -> &Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: as in `get`.
    unsafe { st.th.stack.get_unchecked(i) }
}

/// The instruction at `ip`.
#[inline(always)]
pub fn fetch<'a>(ip: *const Op) -> &'a Op {
    // SAFETY: `ip` is inside the running frame's code (lua-bytecode's
    // `FlatCode` invariant: the code ends closed, jump targets are in it),
    // which lives as long as the frame's closure, which the frame stack
    // keeps alive while the frame runs.
    unsafe { &*ip }
}

/// The instruction pointer for index `pc` of `code`.
#[inline(always)]
pub fn at(code: &[Op], pc: usize) -> *const Op {
    debug_assert!(pc < code.len());
    code.as_ptr().wrapping_add(pc)
}

/// The instruction after the one at address `saved`, an instruction
/// pointer this executor stored in the running frame (`CallFrame::ip`)
/// when it saved the frame's pc: it points into the frame's code, at an
/// instruction that falls through (a call), so the next one is inside the
/// code too (lua-bytecode's `FlatCode` invariant).
#[inline(always)]
pub fn after(saved: usize) -> *const Op {
    (saved as *const Op).wrapping_add(1)
}

/// The index of `ip` in `code`.
#[inline(always)]
pub fn index_of(code: &[Op], ip: *const Op) -> usize {
    (ip as usize - code.as_ptr() as usize) / std::mem::size_of::<Op>()
}
