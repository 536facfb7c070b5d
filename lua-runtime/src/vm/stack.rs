//! A thread's value stack and the open upvalues that point into it.
//!
//! An open upvalue holds a raw pointer to its variable's stack slot, as
//! PUC Lua's `UpVal::v` does, so that reading or writing it is one load
//! of the pointer and one access (no owner thread to compare, no index to
//! bound). The price is the one PUC pays in `luaD_reallocstack`: when the
//! stack's buffer moves, every open upvalue of the thread is pointed at
//! the new buffer. [`Stack`] is the only way to change the vector's
//! length, and each method that can reallocate checks the buffer's
//! address afterwards and re-points the open upvalues when it moved
//! ([`Stack::repoint`]).
//!
//! # Invariants
//!
//! - (S1) Every upvalue in `open_upvals` is open, has a distinct slot
//!   index, and the list is sorted by that index, ascending.
//! - (S2) An open upvalue's pointer is `vals.as_mut_ptr() + index` for
//!   the current buffer, and `index < vals.capacity()`: it was below the
//!   length when the upvalue was made, and capacity never shrinks (no
//!   method here shrinks it). The index is not stored: it is the
//!   pointer's distance from the buffer's start (`UpVal::open_index`).
//! - (S3) The slot of an open upvalue holds a valid `Value` even above
//!   the length (a native truncated the stack below a slot a binary chunk
//!   captured): the bytes stay those of the last value written, since
//!   `Value` is `Copy` (truncation writes nothing) and reallocation copies
//!   the whole old buffer. The collector marks such slots through the
//!   upvalue list (`ThreadStacks::trace`), so what they hold is never
//!   freed while the upvalue is open.

use std::ops::{Deref, DerefMut};

use crate::gc::Gc;
use crate::object::UpVal;
use crate::value::Value;

/// The value stack of one thread, with its open upvalues (module docs).
#[derive(Default)]
pub struct Stack {
    vals: Vec<Value>,
    /// Open upvalues sorted by stack index, ascending (S1).
    pub open_upvals: Vec<Gc<UpVal>>,
}

impl Deref for Stack {
    type Target = [Value];
    #[inline(always)]
    fn deref(&self) -> &[Value] {
        &self.vals
    }
}

impl DerefMut for Stack {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [Value] {
        &mut self.vals
    }
}

impl Stack {
    #[inline(always)]
    pub fn capacity(&self) -> usize {
        self.vals.capacity()
    }

    #[inline(always)]
    pub fn truncate(&mut self, len: usize) {
        self.vals.truncate(len);
    }

    #[inline(always)]
    pub fn clear(&mut self) {
        self.vals.clear();
    }

    #[inline(always)]
    pub fn push(&mut self, v: Value) {
        self.reserve(1);
        self.vals.push(v);
    }

    pub fn extend<I: IntoIterator<Item = Value>>(&mut self, it: I) {
        let old = self.vals.as_ptr();
        self.vals.extend(it);
        self.moved_from(old);
    }

    pub fn insert(&mut self, at: usize, v: Value) {
        let old = self.vals.as_ptr();
        self.vals.insert(at, v);
        self.moved_from(old);
    }

    #[inline]
    pub fn resize(&mut self, len: usize, v: Value) {
        self.reserve(len.saturating_sub(self.vals.len()));
        self.vals.resize(len, v);
    }

    pub fn extend_from_within(&mut self, src: std::ops::Range<usize>) {
        let old = self.vals.as_ptr();
        self.vals.extend_from_within(src);
        self.moved_from(old);
    }

    pub fn extend_from_slice(&mut self, vals: &[Value]) {
        self.reserve(vals.len());
        self.vals.extend_from_slice(vals);
    }

    /// Remove and return the values in `range` (never reallocates).
    pub fn drain(&mut self, range: std::ops::RangeFrom<usize>) -> std::vec::Drain<'_, Value> {
        self.vals.drain(range)
    }

    pub fn remove(&mut self, at: usize) -> Value {
        self.vals.remove(at)
    }

    pub fn pop(&mut self) -> Option<Value> {
        self.vals.pop()
    }

    /// Set the length to `len`: truncate, or append nils.
    #[inline(always)]
    pub fn fill_nil_to(&mut self, len: usize) {
        let cur = self.vals.len();
        if cur >= len {
            self.vals.truncate(len);
            return;
        }
        self.reserve(len - cur);
        let spare = self.vals.spare_capacity_mut();
        for slot in &mut spare[..len - cur] {
            slot.write(Value::Nil);
        }
        // SAFETY: the `len - cur` slots after the old length were just
        // initialised, and `reserve` made room for them.
        unsafe { self.vals.set_len(len) }
    }

    /// Lay out a call at `at`: the stack cut (or nil-filled) to `at`, then
    /// the function `vals[0]` and the `n` arguments after it (`n <= 3`).
    /// Four slots written without a loop, nil past the arguments (no stale
    /// value is left above the length), each copied as two words
    /// ([`Value::load`]): the values were usually just stored that way,
    /// and a 16-byte copy would wait for them (docs/PERFORMANCE.md, "Store
    /// forwarding").
    #[inline(always)]
    pub fn set_call(&mut self, at: usize, vals: &[Value; 4], n: usize) {
        assert!(n <= 3);
        self.fill_nil_to(at);
        self.reserve(4);
        let p = self.vals.as_mut_ptr();
        // SAFETY: the length is `at` and `reserve` made room for the four
        // slots written after it; the first `1 + n` of them are then the
        // new length's (the rest is spare capacity, holding nil).
        unsafe {
            for (i, v) in vals.iter().enumerate() {
                let v = if i <= n { Value::load(v) } else { Value::Nil };
                p.add(at + i).write(v);
            }
            self.vals.set_len(at + 1 + n);
        }
    }

    /// Make a fixed-parameter frame's register window, which ends at `to`,
    /// with its arguments ending at `args` and its parameters at `params`:
    /// missing parameters are nil, and the stack is at least `to` long,
    /// with nil in the slots that were past its end.
    ///
    /// The other registers keep whatever the slot held (a dead temporary
    /// of the caller, a value above it that a return left): compiled code
    /// writes a register before it reads it, as PUC-Rio's does, and every
    /// slot below the stack's length is a valid value (the frame module's
    /// invariant), so this is safe. Nor does a return shorten the stack
    /// (`interp::extend_nil_to`): in a run of calls and returns the window
    /// is already there and the only stores are the missing parameters. A
    /// native call cuts the stack back to its arguments; a collection at a
    /// safepoint clears what lies above the live registers
    /// (`State::gc_check_live`).
    #[inline(always)]
    pub fn open_window(&mut self, args: usize, params: usize, to: usize) {
        let len = self.vals.len();
        debug_assert!(args <= len && params <= to);
        for slot in self.vals.get_mut(args..params.min(len)).unwrap_or_default() {
            *slot = Value::Nil;
        }
        if len < to {
            self.reserve(to - len);
            let p = self.vals.as_mut_ptr();
            for i in len..to {
                // SAFETY: `i < to <= capacity` (reserved above).
                unsafe { p.add(i).write(Value::Nil) };
            }
            // SAFETY: slots below `len` were initialised before and
            // `len..to` were just written.
            unsafe { self.vals.set_len(to) }
        }
    }

    /// Room for `extra` values past the length.
    #[inline(always)]
    pub fn reserve(&mut self, extra: usize) {
        if self.vals.capacity() - self.vals.len() < extra {
            self.grow_by(extra);
        }
    }

    /// Make room for `extra` more values (amortised, as `Vec` grows).
    #[cold]
    #[inline(never)]
    fn grow_by(&mut self, extra: usize) {
        let old = self.vals.as_ptr();
        self.vals.reserve(extra);
        self.moved_from(old);
    }

    #[inline(always)]
    fn moved_from(&mut self, old: *const Value) {
        if !std::ptr::eq(self.vals.as_ptr(), old) {
            self.repoint(old);
        }
    }

    /// The buffer moved from `old`: point every open upvalue at its slot
    /// in the new one (S2).
    #[cold]
    #[inline(never)]
    fn repoint(&mut self, old: *const Value) {
        let base = self.vals.as_mut_ptr();
        for u in &self.open_upvals {
            // Only the address is compared and subtracted: the old buffer
            // is freed.
            let index = u.open_index(old);
            // SAFETY: the slot index is below the capacity (S2), so the
            // pointer stays inside the buffer.
            unsafe { u.repoint(base.add(index)) };
        }
    }

    /// A pointer to slot `idx`, for a new open upvalue (S2). A slot above
    /// the length (only a binary chunk can capture one: a native run in
    /// place cut it off) is first filled with nil.
    #[inline]
    pub fn slot_ptr(&mut self, idx: usize) -> *mut Value {
        if idx >= self.vals.len() {
            self.resize(idx + 1, Value::Nil);
        }
        // SAFETY: in bounds, just ensured.
        unsafe { self.vals.as_mut_ptr().add(idx) }
    }
}
