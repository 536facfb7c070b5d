//! The blocks of the running frame's cursors, kept beside the cursor
//! stack so that entering, switching and leaving a block costs a store,
//! not a walk from the function body.
//!
//! Entry `i` is the block that cursor `cursor_base + i` designates. The
//! walk rebuilds the stack when it (re)enters a frame (a few steps: code
//! rarely nests deeply) and updates it together with the cursors. The
//! first [`INLINE`] entries live inline (a `SmallVec`, which leaves the
//! unused ones uninitialised: the walk makes a `Blocks` on every call and
//! return), deeper ones on the heap.

use lua_bytecode::Node;
use smallvec::SmallVec;

/// Entries held without allocating.
const INLINE: usize = 16;

pub(crate) struct Blocks<'a>(SmallVec<[&'a [Node]; INLINE]>);

impl<'a> Blocks<'a> {
    /// The stack holding only the function body.
    #[inline(always)]
    pub(crate) fn new(body: &'a [Node]) -> Self {
        let mut v = SmallVec::new();
        v.push(body);
        Blocks(v)
    }

    /// Number of entries (the frame's cursor count).
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Entry `i`; an empty block past the end.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> &'a [Node] {
        self.0.get(i).copied().unwrap_or(&[])
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, b: &'a [Node]) {
        self.0.push(b);
    }

    /// Replace the last entry.
    #[inline(always)]
    pub(crate) fn set_top(&mut self, b: &'a [Node]) {
        if let Some(top) = self.0.last_mut() {
            *top = b;
        }
    }

    /// Keep the first `n` entries (at most `len`).
    #[inline(always)]
    pub(crate) fn truncate(&mut self, n: usize) {
        self.0.truncate(n);
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
