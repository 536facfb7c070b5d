//! The blocks of the running frame's cursors, kept beside the cursor
//! stack so that entering, switching and leaving a block costs a store,
//! not a walk from the function body.
//!
//! Entry `i` is the block that cursor `cursor_base + i` designates. The
//! walk rebuilds the stack when it (re)enters a frame (a few steps: code
//! rarely nests deeply) and updates it together with the cursors. The
//! first [`INLINE`] entries live in an array (no allocation for the usual
//! depths), deeper ones in a vector.

use lua_bytecode::Node;

/// Entries held without allocating.
const INLINE: usize = 8;

pub(crate) struct Blocks<'a> {
    len: usize,
    inline: [&'a [Node]; INLINE],
    spill: Vec<&'a [Node]>,
}

impl<'a> Blocks<'a> {
    /// The stack holding only the function body.
    #[inline(always)]
    pub(crate) fn new(body: &'a [Node]) -> Self {
        let mut inline: [&'a [Node]; INLINE] = [&[]; INLINE];
        inline[0] = body;
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

    /// Entry `i` (`i < len`); an empty block past the end.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> &'a [Node] {
        if i >= self.len {
            &[]
        } else if i < INLINE {
            self.inline[i]
        } else {
            self.spill.get(i - INLINE).copied().unwrap_or(&[])
        }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, b: &'a [Node]) {
        if self.len < INLINE {
            self.inline[self.len] = b;
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
            self.inline[i] = b;
        } else if let Some(s) = self.spill.get_mut(i - INLINE) {
            *s = b;
        }
    }

    /// Keep the first `n >= 1` entries.
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
        for _ in 0..20 {
            b.push(&nodes);
        }
        assert_eq!(b.len(), 21);
        assert_eq!(b.get(20).len(), 1);
        assert_eq!(b.get(0).len(), 0);
        b.set_top(body);
        assert_eq!(b.get(20).len(), 0);
        b.truncate(3);
        assert_eq!(b.len(), 3);
        assert_eq!(b.get(2).len(), 1);
        assert_eq!(b.get(3).len(), 0);
        b.push(body);
        assert_eq!(b.get(3).len(), 0);
        b.truncate(12);
        assert_eq!(b.len(), 4);
    }
}
