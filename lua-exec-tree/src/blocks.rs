//! The blocks of the running frame's cursors, kept beside the cursor
//! stack so that entering, switching and leaving a block costs a store,
//! not a walk from the function body.
//!
//! Entry `i` is the block that cursor `cursor_base + i` designates. The
//! walk rebuilds the stack when it (re)enters a frame (a few steps: code
//! rarely nests deeply) and updates it together with the cursors. The
//! first [`INLINE`] entries live in an array, deeper ones in a vector.
//!
//! The array is left uninitialised: the walk creates a `Blocks` on every
//! call and return, and filling [`INLINE`] fat pointers each time was a
//! measurable share of a call. `SmallVec` and `ArrayVec` do the same
//! without `unsafe` here, but each made the walk's hot loops compile to
//! more instructions (docs/PERFORMANCE.md), so this module keeps the one
//! `unsafe` of the crate outside its register access; its invariant is
//! that entries `0..min(len, INLINE)` of `inline` are initialised, which
//! `new`, `push` and `set_top` maintain (they write an entry before `len`
//! covers it) and `truncate` cannot break (it only lowers `len`).

use std::mem::MaybeUninit;

use lua_bytecode::Node;

/// Entries held without allocating.
const INLINE: usize = 16;

pub(crate) struct Blocks<'a> {
    len: usize,
    inline: [MaybeUninit<&'a [Node]>; INLINE],
    spill: Vec<&'a [Node]>,
}

impl<'a> Blocks<'a> {
    /// The stack holding only the function body.
    #[inline(always)]
    pub(crate) fn new(body: &'a [Node]) -> Self {
        let mut inline = [const { MaybeUninit::uninit() }; INLINE];
        inline[0] = MaybeUninit::new(body);
        Blocks {
            len: 1,
            inline,
            spill: Vec::new(),
        }
    }

    /// Number of entries (the frame's cursor count).
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Entry `i`; an empty block past the end.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> &'a [Node] {
        if i >= self.len {
            &[]
        } else if i < INLINE {
            // SAFETY: `i < len` and `i < INLINE`: initialised (module
            // invariant).
            unsafe { self.inline[i].assume_init() }
        } else {
            self.spill.get(i - INLINE).copied().unwrap_or(&[])
        }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, b: &'a [Node]) {
        if self.len < INLINE {
            self.inline[self.len] = MaybeUninit::new(b);
        } else {
            self.spill.truncate(self.len - INLINE);
            self.spill.push(b);
        }
        self.len += 1;
    }

    /// Replace the last entry.
    #[inline(always)]
    pub(crate) fn set_top(&mut self, b: &'a [Node]) {
        let i = self.len - 1;
        if i < INLINE {
            self.inline[i] = MaybeUninit::new(b);
        } else if let Some(s) = self.spill.get_mut(i - INLINE) {
            *s = b;
        }
    }

    /// Keep the first `n` entries (at most `len`).
    #[inline(always)]
    pub(crate) fn truncate(&mut self, n: usize) {
        self.len = n.min(self.len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_stacks_spill_and_come_back() {
        let body: &[Node] = &[];
        let nodes = [Node::Break { levels: 1, pc: 0 }];
        let mut b = Blocks::new(body);
        for _ in 0..40 {
            b.push(&nodes);
        }
        assert_eq!(b.len(), 41);
        assert_eq!(b.get(40).len(), 1);
        assert_eq!(b.get(0).len(), 0);
        b.set_top(body);
        assert_eq!(b.get(40).len(), 0);
        assert_eq!(b.get(39).len(), 1);
        b.truncate(3);
        assert_eq!(b.len(), 3);
        assert_eq!(b.get(2).len(), 1);
        assert_eq!(b.get(3).len(), 0);
        b.push(body);
        assert_eq!(b.get(3).len(), 0);
        b.truncate(12);
        assert_eq!(b.len(), 4);
        for _ in 0..30 {
            b.push(body);
        }
        assert_eq!(b.get(33).len(), 0);
        b.set_top(&nodes);
        assert_eq!(b.get(33).len(), 1);
    }
}
