//! The hash part: PUC-Rio's node array with chained scatter and Brent's
//! variation (`ltable.c`'s `luaH_newkey`, `getfreepos`, `mainposition`).
//!
//! The hash part is one array of `size` nodes (0 or a power of two); a
//! node holds a key, its value and `next`, the offset (in nodes) of the
//! following node of its collision chain, 0 at the end of a chain. Every
//! key has a *main position*, the node its hash selects; a lookup goes
//! there and follows `next` links comparing keys. There are no separate
//! buckets and no pointers: a hit in main position, the common case, costs
//! one cache miss (the node holds the value right next to the key).
//!
//! A node is *free* when its key is nil (it was never used since the last
//! resize) and *empty* when its value is nil (free, or a dead key: a key
//! whose value was set to nil stays in its node, and in its chain, until
//! the next resize, which is what keeps `next` working when a traversal
//! clears fields).
//!
//! **Insertion of a new key** (the caller has checked it is absent):
//!
//! * If the key's main position `mp` is empty, the key goes there (a dead
//!   key in `mp` is overwritten; the node keeps its `next`, so any chain
//!   running through it stays intact).
//! * Otherwise a free node `f` is taken from `lastfree`, a cursor that only
//!   moves downwards from the end of the array, so finding free nodes costs
//!   O(size) over the whole life of the node array. If there is none, the
//!   part is full: the caller rehashes (grows, drops dead keys) and retries.
//! * Brent's variation: if the key occupying `mp` is *not* in its own main
//!   position (it was put there as the free node of some other chain), it
//!   is the one that moves: it is copied to `f`, its predecessor is
//!   re-linked to `f`, and the new key takes `mp`. Otherwise the new key
//!   goes to `f`, linked right after `mp`. Either way every key stays in
//!   the chain of its main position, and a key found in its own main
//!   position is never moved, which keeps chains short: with a full table
//!   most keys are hits at their first probe.
//!
//! Every step here mirrors `ltable.c` (5.4), and integer keys hash as
//! PUC's `hashint` (`k mod ((size-1)|1)`), so a hash part holding only
//! integer keys has lua5.4's node order exactly and `pairs` visits them in
//! lua5.4's order (other keys hash differently: lua5.4 seeds its string
//! hash per state, and object addresses differ anyway).
//!
//! Dead keys are never hashed (the node moved by Brent's step is always
//! live, and a resize reinserts only live entries) and only compared with
//! `key_identical`, which must not look inside a collectable object: the
//! collector does not keep dead keys alive.

use crate::TableValue;

/// One slot of the hash part (PUC's `Node`). 40 bytes for a 16-byte value
/// type: two values and the chain offset, padded to the value's alignment.
/// (Tried and measured worse: 32-byte nodes aligned to 32 with the links
/// in a parallel array. Looking up 100k string keys took 12% longer, as
/// chains read a second array, and small-table workloads slowed down from
/// the second allocation per hash part.)
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<V> {
    pub(crate) key: V,
    pub(crate) val: V,
    /// Offset to the next node of the chain; 0 ends it.
    next: i32,
}

impl<V: TableValue> Node<V> {
    /// Does this node hold `key` (a non-integer key)? A live key is
    /// compared with `key_eq`; a dead one only with `key_identical`, since
    /// the collector may have freed a dead key's object and `key_eq` may
    /// look inside it (PUC likewise marks collected dead keys so that
    /// lookups compare them by address only).
    #[inline]
    pub(crate) fn holds(&self, key: &V) -> bool {
        if self.val.is_nil() {
            key.key_identical(&self.key)
        } else {
            key.key_eq(&self.key)
        }
    }
}

/// The node array and its free-slot cursor.
#[derive(Clone)]
pub(crate) struct HashPart<V> {
    nodes: Box<[Node<V>]>,
    /// Every node at index `>= lastfree` is in use (non-nil key); free nodes
    /// are searched below it (PUC's `lastfree`).
    lastfree: usize,
}

/// PUC's `hashint`: `k mod ((size-1)|1)`, as an unsigned 64-bit value, so
/// the node order of integer keys is lua5.4's. The odd divisor mixes the
/// high bits in, which a power-of-two mask would drop. A 32-bit division
/// when both fit (PUC makes the same distinction): it is markedly faster.
#[inline]
fn int_position(key: i64, mask: usize) -> usize {
    let k = key as u64;
    let d = (mask | 1) as u64;
    if (k | d) <= u64::from(u32::MAX) {
        (k as u32 % d as u32) as usize
    } else {
        (k % d) as usize
    }
}

impl<V: TableValue> HashPart<V> {
    /// A part of `size` nodes (0 or a power of two), all free.
    pub(crate) fn new(size: usize) -> Self {
        debug_assert!(size == 0 || size.is_power_of_two());
        let free = Node {
            key: V::NIL,
            val: V::NIL,
            next: 0,
        };
        Self {
            nodes: vec![free; size].into_boxed_slice(),
            lastfree: size,
        }
    }

    /// Number of nodes (0 or a power of two).
    #[inline]
    pub(crate) fn size(&self) -> usize {
        self.nodes.len()
    }

    /// The nodes, in traversal order.
    #[inline]
    pub(crate) fn nodes(&self) -> &[Node<V>] {
        &self.nodes
    }

    #[inline]
    pub(crate) fn nodes_mut(&mut self) -> &mut [Node<V>] {
        &mut self.nodes
    }

    /// `size - 1`; for an empty part `usize::MAX`, so that `hash & mask`
    /// indexes out of range and the one bounds check of a lookup also
    /// covers the empty part (PUC uses a shared dummy node instead).
    #[inline]
    fn mask(&self) -> usize {
        self.nodes.len().wrapping_sub(1)
    }

    /// Main position of a key known not to be an integer key. Only for a
    /// non-empty part.
    #[inline]
    fn other_position(&self, key: &V) -> usize {
        (key.key_hash64() as usize) & self.mask()
    }

    /// Main position of a stored (normalised, live) key.
    #[inline]
    fn position(&self, key: &V, int_key: Option<i64>) -> usize {
        match int_key {
            Some(i) => int_position(i, self.mask()),
            None => self.other_position(key),
        }
    }

    /// Index of the node holding `key` (live or dead), a key known not to
    /// be an integer key, nil or NaN.
    #[inline]
    pub(crate) fn find_other(&self, key: &V) -> Option<usize> {
        let mut i = (key.key_hash64() as usize) & self.mask();
        loop {
            let n = self.nodes.get(i)?;
            if n.holds(key) {
                return Some(i);
            }
            if n.next == 0 {
                return None;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// The value for a non-integer key (nil if absent): the hot path of
    /// field access, so it returns the value without a second index.
    #[inline]
    pub(crate) fn get_other(&self, key: &V) -> V {
        let mut i = (key.key_hash64() as usize) & self.mask();
        loop {
            let Some(n) = self.nodes.get(i) else {
                return V::NIL;
            };
            if n.holds(key) {
                return n.val;
            }
            if n.next == 0 {
                return V::NIL;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// Index of the node holding integer key `key` (live or dead).
    #[inline]
    pub(crate) fn find_int(&self, key: i64) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut i = int_position(key, self.mask());
        loop {
            let n = self.nodes.get(i)?;
            if n.key.as_int_key() == Some(key) {
                return Some(i);
            }
            if n.next == 0 {
                return None;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// The value for integer key `key` in this part (nil if absent).
    #[inline]
    pub(crate) fn get_int(&self, key: i64) -> V {
        match self.find_int(key) {
            Some(i) => self.nodes[i].val,
            None => V::NIL,
        }
    }

    /// Index of `key`'s node, whatever kind of key it is (`int_key` is its
    /// integer view); None for NaN.
    pub(crate) fn find(&self, key: &V, int_key: Option<i64>) -> Option<usize> {
        match int_key {
            Some(i) => self.find_int(i),
            None if key.is_nil() || key.is_nan() => None,
            None => self.find_other(key),
        }
    }

    /// The value stored at node `i`, for a store to an existing key.
    #[inline]
    pub(crate) fn set_at(&mut self, i: usize, value: V) {
        self.nodes[i].val = value;
    }

    /// A free node below the cursor, or None when every node is in use
    /// (PUC's `getfreepos`).
    fn free_position(&mut self) -> Option<usize> {
        while self.lastfree > 0 {
            self.lastfree -= 1;
            if self.nodes[self.lastfree].key.is_nil() {
                return Some(self.lastfree);
            }
        }
        None
    }

    /// Inserts a key known to be absent (normalised, not nil/NaN; `int_key`
    /// its integer view) with a non-nil value. Returns false, changing
    /// nothing, when the key needs a free node and there is none: the
    /// caller must rehash. The body of PUC's `luaH_newkey`.
    pub(crate) fn insert(&mut self, key: V, int_key: Option<i64>, value: V) -> bool {
        if self.nodes.is_empty() {
            return false;
        }
        let mut mp = self.position(&key, int_key);
        if !self.nodes[mp].val.is_nil() {
            // Main position taken by a live key: a free node is needed.
            let Some(f) = self.free_position() else {
                return false;
            };
            let occupant = self.nodes[mp].key;
            let other = self.position(&occupant, occupant.as_int_key());
            if other != mp {
                // The occupant is out of its main position: move it to the
                // free node, re-linking its predecessor in its own chain.
                let mut prev = other;
                loop {
                    let next = prev.wrapping_add_signed(self.nodes[prev].next as isize);
                    if next == mp {
                        break;
                    }
                    prev = next;
                }
                self.nodes[prev].next = offset(prev, f);
                self.nodes[f] = self.nodes[mp];
                if self.nodes[mp].next != 0 {
                    self.nodes[f].next += offset(f, mp);
                    self.nodes[mp].next = 0;
                }
                self.nodes[mp].val = V::NIL;
            } else {
                // The occupant is at home: the new key goes to the free
                // node, second in the occupant's chain.
                if self.nodes[mp].next != 0 {
                    let after = mp.wrapping_add_signed(self.nodes[mp].next as isize);
                    self.nodes[f].next = offset(f, after);
                } else {
                    debug_assert_eq!(self.nodes[f].next, 0);
                }
                self.nodes[mp].next = offset(mp, f);
                mp = f;
            }
        }
        let node = &mut self.nodes[mp];
        node.key = key;
        node.val = value;
        true
    }

    /// Nodes in use (live or dead keys). O(size).
    pub(crate) fn used(&self) -> usize {
        self.nodes.iter().filter(|n| !n.key.is_nil()).count()
    }

    /// Heap bytes of the node array (allocated exactly, as a boxed slice).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.len() * size_of::<Node<V>>()
    }

    /// Panics if the chain structure is broken; for the property tests.
    /// Hashes live keys only (dead keys may be collected objects).
    pub(crate) fn check(&self) {
        let size = self.nodes.len();
        assert!(size == 0 || size.is_power_of_two(), "node count {size}");
        assert!(self.lastfree <= size, "lastfree past the end");
        let mut preds = vec![0u8; size];
        for (i, n) in self.nodes.iter().enumerate() {
            if n.key.is_nil() {
                assert!(n.val.is_nil(), "free node {i} has a value");
                assert_eq!(n.next, 0, "free node {i} is chained");
                assert!(i < self.lastfree, "free node {i} above lastfree");
            }
            assert!(!n.key.is_nan(), "NaN key stored");
            if n.next != 0 {
                let to = i.wrapping_add_signed(n.next as isize);
                assert!(to < size, "node {i} links out of range");
                assert!(
                    !self.nodes[to].key.is_nil(),
                    "node {i} links to a free node"
                );
                preds[to] += 1;
                assert!(preds[to] == 1, "node {to} has two predecessors");
            }
            if !n.val.is_nil() {
                assert_eq!(
                    self.find(&n.key, n.key.as_int_key()),
                    Some(i),
                    "live key at node {i} not reachable from its main position"
                );
            }
        }
    }
}

/// The `next` offset from node `from` to node `to`. Sizes stay far below
/// 2^31 nodes (that would be 80 GiB of nodes), as in PUC.
#[inline]
fn offset(from: usize, to: usize) -> i32 {
    (to as isize - from as isize) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_position_is_pucs_hashint() {
        // (size-1)|1: size 1 and 2 put every integer in node 0.
        assert_eq!(int_position(5, 0), 0);
        assert_eq!(int_position(5, 1), 0);
        assert_eq!(int_position(5, 3), 2);
        assert_eq!(int_position(-1, 7), (u64::MAX % 7) as usize);
        assert_eq!(int_position(i64::MIN, 15), ((1u64 << 63) % 15) as usize);
        assert_eq!(int_position(1 << 40, 15), ((1u64 << 40) % 15) as usize);
    }
}
