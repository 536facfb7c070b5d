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
//! `st.th.stack.len() >= base + proto.max_registers`: [`crate::vm::interp`]'s
//! `push_lua_frame` makes the stack at least the frame's extent (a longer
//! stack stays as it is: its high-water mark, see `Stack::open_window`),
//! `post_call` (and the executors' quick returns, which do what it does)
//! restore at least that extent when a call returns into a Lua frame, and
//! everything else (natives, metamethods through `State::call`) only
//! pushes above the current length and truncates back to it. lua-bytecode guarantees that no
//! instruction, test or loop names a register `>= max_registers` (checked
//! on every file of the repository by its `tests/invariants.rs`, and by
//! `lua_bytecode::verify` on every binary chunk `load` reads). Both
//! halves are checked by `debug_assert!` in debug builds. Callers must
//! only pass the `base` of the Lua frame that is running.

use crate::state::State;
use crate::value::Value;

/// `&R[r]` of the frame at `base` (lets a fast path read a tag and a
/// payload without copying the whole value).
///
/// # Safety
/// `base` is the running Lua frame's and `r < max_registers` (module
/// invariant).
#[inline(always)]
pub unsafe fn get_ref(st: &State, base: usize, r: u8) -> &Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: `i < base + max_registers <= stack.len()` (module invariant).
    unsafe { st.th.stack.get_unchecked(i) }
}

/// `R[r]` of the frame at `base`.
///
/// # Safety
/// As [`get_ref`].
#[inline(always)]
pub unsafe fn get(st: &State, base: usize, r: u8) -> Value {
    // SAFETY: the caller's promise, as `get_ref` needs it.
    Value::load(unsafe { get_ref(st, base, r) })
}

/// `&mut R[r]` of the frame at `base` (for the word-by-word number
/// writes, `Value::store_int` and friends).
///
/// # Safety
/// As [`get_ref`].
#[inline(always)]
pub unsafe fn slot(st: &mut State, base: usize, r: u8) -> &mut Value {
    let i = base + r as usize;
    debug_assert!(i < st.th.stack.len());
    // SAFETY: as in `get_ref`.
    unsafe { st.th.stack.get_unchecked_mut(i) }
}

/// `R[r] := v` in the frame at `base`.
///
/// # Safety
/// As [`get_ref`].
#[inline(always)]
pub unsafe fn set(st: &mut State, base: usize, r: u8, v: Value) {
    // SAFETY: the caller's promise, as `slot` needs it.
    Value::store(unsafe { slot(st, base, r) }, v);
}

/// The four registers of a numeric `for` loop starting at `R[r]` (the
/// compiler allots `r..r+4` to the loop, so `r + 3 < max_registers`, which
/// `lua_bytecode::verify` checks of loaded code).
///
/// # Safety
/// `base` is the running Lua frame's and `r` the first register of one of
/// its numeric `for` loops.
#[inline(always)]
pub unsafe fn for_regs(st: &mut State, base: usize, r: u8) -> &mut [Value] {
    let i = base + r as usize;
    debug_assert!(i + 4 <= st.th.stack.len());
    // SAFETY: `i + 3 < base + max_registers <= stack.len()`.
    unsafe { st.th.stack.get_unchecked_mut(i..i + 4) }
}

/// A running frame's register window held as a pointer, so `R[r]` is one
/// address computation from a value the hot loop keeps in a machine
/// register (the functions above reload the stack's pointer and the frame
/// base on every access, because any store may have changed them).
///
/// # Invariant
///
/// A `Window` is made by [`Window::of`] from the running frame's `base` and
/// is valid while the stack's buffer does not move: until the next thing
/// that may grow the stack (any call out of the hot loop: a call, a
/// metamethod, a library function, the collector). Truncating never moves
/// the buffer; `stack.len() >= base + max_registers` holds as for the
/// functions above. The executor re-makes its window after every call out
/// (and checks it against the stack with [`Window::is_of`] in debug
/// builds), so the references handed out here never outlive the buffer.
#[derive(Clone, Copy, Debug)]
pub struct Window(*mut Value);

impl Window {
    /// The window of the frame at `base`.
    #[inline(always)]
    pub fn of(st: &mut State, base: usize) -> Window {
        debug_assert!(base <= st.th.stack.len());
        Window(st.th.stack.as_mut_ptr().wrapping_add(base))
    }

    /// Is this the current window of the frame at `base` (the stack has not
    /// moved since it was made)? For debug assertions.
    pub fn is_of(self, st: &State, base: usize) -> bool {
        std::ptr::eq(self.0, st.th.stack.as_ptr().wrapping_add(base))
    }

    /// `&R[r]`.
    ///
    /// # Safety
    /// The window is current (type invariant: no call out of the loop since
    /// it was made) and `r < max_registers`; the reference is not used past
    /// the next call out.
    #[inline(always)]
    pub unsafe fn get_ref<'a>(self, r: u8) -> &'a Value {
        // SAFETY: the window is current (type invariant) and
        // `r < max_registers`, so the slot is inside the stack's length.
        unsafe { &*self.0.add(r as usize) }
    }

    /// `R[r]`.
    ///
    /// # Safety
    /// As [`Window::get_ref`].
    #[inline(always)]
    pub unsafe fn get(self, r: u8) -> Value {
        // SAFETY: the caller's promise.
        Value::load(unsafe { self.get_ref(r) })
    }

    /// `&mut R[r]`.
    ///
    /// # Safety
    /// As [`Window::get_ref`], and no other reference to the slot is live.
    #[inline(always)]
    pub unsafe fn slot<'a>(self, r: u8) -> &'a mut Value {
        // SAFETY: as in `get_ref`; the executor holds no other reference to
        // this slot while it writes.
        unsafe { &mut *self.0.add(r as usize) }
    }

    /// `R[r] := v`.
    ///
    /// # Safety
    /// As [`Window::get_ref`].
    #[inline(always)]
    pub unsafe fn set(self, r: u8, v: Value) {
        // SAFETY: the caller's promise; the reference dies here.
        Value::store(unsafe { self.slot(r) }, v);
    }

    /// The four registers of a numeric `for` loop starting at `R[r]`.
    ///
    /// # Safety
    /// As [`Window::get_ref`], with `r` the first register of a numeric
    /// `for` loop of the running frame.
    #[inline(always)]
    pub unsafe fn for_regs<'a>(self, r: u8) -> &'a mut [Value] {
        // SAFETY: as in `get_ref`, with `r + 3 < max_registers` (the
        // compiler allots `r..r+4` to the loop).
        unsafe { std::slice::from_raw_parts_mut(self.0.add(r as usize), 4) }
    }
}
