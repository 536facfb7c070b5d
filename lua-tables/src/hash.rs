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
//! **Node layout.** A node is 24 bytes, as PUC's `Node`: the value's tag
//! byte (see [`TableValue::val_parts`]), the key's tag byte and the 4-byte
//! `next` in the first word, then the value's payload and the key's
//! payload (an interned string's address, an integer, float bits; see
//! [`TableValue::key_parts`]). A lookup that hits in main position
//! reads one node (one cache line, or two for the one node in four that
//! straddles a line boundary). A lookup splits the key being looked up once and
//! compares parts: payload first (for a string, the pointer, which decides
//! nearly every miss), then the tag. Keys whose equality is not identity
//! (long strings, compared by content) take a slower loop that also
//! rebuilds live stored keys of the same tag and asks `key_eq`.
//!
//! Dead keys are never hashed or rebuilt (the node moved by Brent's step
//! is always live, and a resize reinserts only live entries) and are only
//! compared by their parts, which never looks inside a collectable
//! object: the collector does not keep dead keys alive.

use std::marker::PhantomData;
use std::mem::MaybeUninit;

use crate::TableValue;
use crate::table::narray_u32;

/// One slot of the hash part (PUC's `Node`): the value and the key, each
/// split into a tag byte and an 8-byte payload (see
/// [`TableValue::val_parts`] and [`TableValue::key_parts`]), and the chain
/// offset. 24 bytes, PUC's size: the two tag bytes and the 4-byte link
/// share the first word (where a 16-byte value whole would have kept 7
/// bytes of padding in its tag word). The chain link lives in the node,
/// not in an array of its own, so following a chain reads nodes only and
/// a hash part is a single allocation.
#[derive(Debug)]
#[repr(C)]
pub(crate) struct Node<V> {
    val_tag: u8,
    key_tag: u8,
    /// Offset to the next node of the chain; 0 ends it.
    next: i32,
    val_bits: MaybeUninit<u64>,
    key_bits: u64,
    _v: PhantomData<V>,
}

impl<V> Clone for Node<V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for Node<V> {}

impl<V: TableValue> Node<V> {
    /// A free node: nil key, nil value, no link.
    const FREE: Self = Node {
        val_tag: V::KEY_TAG_NIL,
        key_tag: V::KEY_TAG_NIL,
        next: 0,
        val_bits: MaybeUninit::new(0),
        key_bits: 0,
        _v: PhantomData,
    };

    /// The stored value (nil for a free node or a dead key).
    #[inline(always)]
    pub(crate) fn val(&self) -> V {
        // SAFETY: the parts were written by `set_val` from `val_parts` of a
        // value the table was given (or are nil's), and that value is still
        // valid: the collector marks the values the table holds (through
        // `Table::for_each`), and a weak table's condemned values are
        // cleared (`Table::retain`) before their objects are freed.
        unsafe { V::from_val_parts(self.val_tag, self.val_bits) }
    }

    #[inline(always)]
    pub(crate) fn set_val(&mut self, v: V) {
        let (tag, bits) = v.val_parts();
        self.val_tag = tag;
        self.val_bits = bits;
    }

    /// Was this node never used since the last resize (nil key)?
    #[inline]
    pub(crate) fn is_free(&self) -> bool {
        self.key_tag == V::KEY_TAG_NIL
    }

    /// Is the stored key live (its value non-nil)? A used node with a nil
    /// value holds a dead key.
    #[inline]
    pub(crate) fn is_live(&self) -> bool {
        self.val_tag != V::KEY_TAG_NIL
    }

    /// The stored key, rebuilt from its parts. Only for a free node or a
    /// live key: a dead key's object may have been freed.
    #[inline]
    pub(crate) fn key(&self) -> V {
        debug_assert!(self.is_free() || self.is_live(), "rebuilding a dead key");
        // SAFETY: the parts were written by `set_key` from `key_parts` of a
        // value the table was given (or are nil's, for a free node), and the
        // key is live: its object is still alive (the collector marks live
        // entries through `Table::for_each`).
        unsafe { V::from_key_parts(self.key_tag, self.key_bits) }
    }

    /// The stored key if it is an integer key, from its parts alone (so it
    /// may be asked of dead keys too).
    #[inline]
    pub(crate) fn int_key(&self) -> Option<i64> {
        (self.key_tag == V::KEY_TAG_INT).then_some(self.key_bits as i64)
    }

    #[inline]
    fn set_key(&mut self, (tag, bits): (u8, u64)) {
        self.key_tag = tag;
        self.key_bits = bits;
    }

    /// Does this node hold the key whose parts are `(tag, bits)`? The
    /// payload is compared first: for string keys it is the interned
    /// pointer, which almost never matches by accident, so a miss is
    /// decided by one comparison.
    #[inline(always)]
    fn has_parts(&self, tag: u8, bits: u64) -> bool {
        self.key_bits == bits && self.key_tag == tag
    }

    /// Does this node hold `key` (a non-integer key with parts
    /// `(tag, bits)`)? Equal parts always match, live or dead key: the
    /// parts are the key's identity. Otherwise, for keys whose equality is
    /// not identity (long strings), a *live* key of the same tag is rebuilt
    /// and compared with `key_eq`; a dead one never is, since its object
    /// may have been freed (PUC likewise compares collected dead keys by
    /// address only).
    #[inline]
    pub(crate) fn holds(&self, key: &V, (tag, bits): (u8, u64)) -> bool {
        self.has_parts(tag, bits)
            || (!key.key_eq_is_identity()
                && self.key_tag == tag
                && self.is_live()
                && key.key_eq(&self.key()))
    }
}

/// The node array and its free-slot cursor.
#[derive(Clone)]
pub(crate) struct HashPart<V> {
    nodes: Box<[Node<V>]>,
    /// Every node at index `>= lastfree` is in use (non-nil key); free nodes
    /// are searched below it (PUC's `lastfree`). 32 bits, like the node
    /// offsets: 2^32 nodes would be 128 GiB.
    lastfree: u32,
}

/// PUC's `hashint`: `k mod ((size-1)|1)`, as an unsigned 64-bit value, so
/// the node order of integer keys is lua5.4's. The odd divisor mixes the
/// high bits in, which a power-of-two mask would drop. A 32-bit division
/// when both fit (PUC makes the same distinction): on x86_64 it is much
/// cheaper than a 64-bit one.
#[inline]
#[allow(clippy::cast_possible_truncation)] // Cannot truncate: commented below.
fn int_position(key: i64, mask: usize) -> usize {
    let k = key as u64;
    let d = (mask | 1) as u64;
    if (k | d) <= u64::from(u32::MAX) {
        // Both fit in 32 bits (just checked).
        (k as u32 % d as u32) as usize
    } else {
        // The remainder is below `d`, which came from a `usize`.
        (k % d) as usize
    }
}

impl<V: TableValue> HashPart<V> {
    /// A part of `size` nodes (0 or a power of two), all free.
    pub(crate) fn new(size: usize) -> Self {
        debug_assert!(size == 0 || size.is_power_of_two());
        Self {
            nodes: vec![Node::FREE; size].into_boxed_slice(),
            lastfree: narray_u32(size),
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
    // Truncation intended: on a 32-bit target the hash loses its high
    // bits, which the mask would drop anyway.
    #[allow(clippy::cast_possible_truncation)]
    fn other_position(&self, key: &V) -> usize {
        (key.key_hash64() as usize) & self.mask()
    }

    /// Main position of a key (normalised; `int_key` is its integer view).
    #[inline]
    fn position(&self, key: &V, int_key: Option<i64>) -> usize {
        match int_key {
            Some(i) => int_position(i, self.mask()),
            None => self.other_position(key),
        }
    }

    /// Main position (in this part) of the live key held by `n`.
    #[inline]
    fn node_position(&self, n: &Node<V>) -> usize {
        match n.int_key() {
            Some(i) => int_position(i, self.mask()),
            None => self.other_position(&n.key()),
        }
    }

    /// The node holding `key` (live or dead) and its index, for a key
    /// known not to be an integer key, nil or NaN. Always inlined: it is
    /// the whole of a field read, and LLVM leaves the merely `#[inline]`
    /// version out of line, where the call costs more than the probe
    /// itself in the usual hit-at-first-node case.
    #[inline(always)]
    fn lookup_other(&self, key: &V) -> Option<(usize, &Node<V>)> {
        let (tag, bits) = key.key_parts();
        let mut i = self.other_position(key);
        if !key.key_eq_is_identity() {
            return self.lookup_other_by_eq(key, (tag, bits), i);
        }
        loop {
            let n = self.nodes.get(i)?;
            if n.has_parts(tag, bits) {
                return Some((i, n));
            }
            if n.next == 0 {
                return None;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// `lookup_other` for keys compared by `key_eq` (long strings), out of
    /// line: the parts-only loop above is the hot one.
    #[inline(never)]
    fn lookup_other_by_eq(
        &self,
        key: &V,
        parts: (u8, u64),
        mut i: usize,
    ) -> Option<(usize, &Node<V>)> {
        loop {
            let n = self.nodes.get(i)?;
            if n.holds(key, parts) {
                return Some((i, n));
            }
            if n.next == 0 {
                return None;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// Index of the node holding `key` (live or dead), a key known not to
    /// be an integer key, nil or NaN.
    #[inline]
    pub(crate) fn find_other(&self, key: &V) -> Option<usize> {
        self.lookup_other(key).map(|(i, _)| i)
    }

    /// The value for a non-integer key (nil if absent): the hot path of
    /// field access, so it returns the value without a second index.
    ///
    /// Inlined into its callers: the runtime's `Table::get_str` receives
    /// the key as two words in registers and runs this lookup in its own
    /// body, so a field read is one call and the key never goes through
    /// memory. (A key the executor has just written as two words, read
    /// back whole with one 16-byte load, cannot be forwarded from the
    /// store buffer: the load waits for the stores to reach the cache.)
    #[inline(always)]
    pub(crate) fn get_other(&self, key: &V) -> V {
        match self.lookup_other(key) {
            Some((_, n)) => n.val(),
            None => V::NIL,
        }
    }

    /// Stores `value` in the node of `key` (live or dead; a non-integer
    /// key, not nil or NaN) if there is one: a field store. Returns false,
    /// changing nothing, when the key is absent. The value is written
    /// through the node the probe found, where an index handed back to the
    /// caller would be bounds-checked again.
    #[inline(always)]
    pub(crate) fn set_other(&mut self, key: &V, value: V) -> bool {
        if !key.key_eq_is_identity() {
            return match self.find_other(key) {
                Some(i) => {
                    self.nodes[i].set_val(value);
                    true
                }
                None => false,
            };
        }
        match self.identity_node_mut(key) {
            Some(n) => {
                n.set_val(value);
                true
            }
            None => false,
        }
    }

    /// The node holding `key` (live or dead), a key compared by identity
    /// (`key_eq_is_identity`), found by its parts alone: the probe of the
    /// field stores.
    #[inline(always)]
    fn identity_node_mut(&mut self, key: &V) -> Option<&mut Node<V>> {
        let (tag, bits) = key.key_parts();
        let mut i = self.other_position(key);
        loop {
            let n = self.nodes.get(i)?;
            if n.has_parts(tag, bits) {
                return self.nodes.get_mut(i);
            }
            if n.next == 0 {
                return None;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// Stores `value` in the node of `key` (a non-integer key, not nil or
    /// NaN) if that node holds a live value: the update of a present
    /// field, which neither `__newindex` nor a resize concerns. Returns
    /// false, changing nothing, when the key is absent or dead, or is one
    /// compared by content (long strings: [`HashPart::set_other`]).
    #[inline(always)]
    pub(crate) fn replace_other(&mut self, key: &V, value: V) -> bool {
        if !key.key_eq_is_identity() {
            return false;
        }
        match self.identity_node_mut(key) {
            Some(n) if n.val_tag != V::KEY_TAG_NIL => {
                n.set_val(value);
                true
            }
            _ => false,
        }
    }

    /// The node holding integer key `key` (live or dead) and its index.
    #[inline]
    fn lookup_int(&self, key: i64) -> Option<(usize, &Node<V>)> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut i = int_position(key, self.mask());
        loop {
            let n = self.nodes.get(i)?;
            if n.has_parts(V::KEY_TAG_INT, key as u64) {
                return Some((i, n));
            }
            if n.next == 0 {
                return None;
            }
            i = i.wrapping_add_signed(n.next as isize);
        }
    }

    /// Index of the node holding integer key `key` (live or dead).
    #[inline]
    pub(crate) fn find_int(&self, key: i64) -> Option<usize> {
        self.lookup_int(key).map(|(i, _)| i)
    }

    /// The value for integer key `key` in this part (nil if absent).
    #[inline]
    pub(crate) fn get_int(&self, key: i64) -> V {
        match self.lookup_int(key) {
            Some((_, n)) => n.val(),
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
        self.nodes[i].set_val(value);
    }

    /// A free node below the cursor, or None when every node is in use
    /// (PUC's `getfreepos`).
    fn free_position(&mut self) -> Option<usize> {
        while self.lastfree > 0 {
            self.lastfree -= 1;
            let i = self.lastfree as usize;
            if self.nodes[i].is_free() {
                return Some(i);
            }
        }
        None
    }

    /// Inserts a key known to be absent (normalised, not nil/NaN; `int_key`
    /// its integer view) with a non-nil value. Returns false, changing
    /// nothing, when the key needs a free node and there is none: the
    /// caller must rehash.
    pub(crate) fn insert(&mut self, key: V, int_key: Option<i64>, value: V) -> bool {
        if self.nodes.is_empty() {
            return false;
        }
        let mp = self.position(&key, int_key);
        self.insert_at(mp, key.key_parts(), value)
    }

    /// Inserts the live entry of a node of another node array (a resize
    /// moving entries into this one), from its parts.
    pub(crate) fn reinsert(&mut self, n: &Node<V>) -> bool {
        if self.nodes.is_empty() {
            return false;
        }
        let mp = self.node_position(n);
        self.insert_at(mp, (n.key_tag, n.key_bits), n.val())
    }

    /// The body of PUC's `luaH_newkey`: places the key with parts `parts`
    /// and main position `mp`.
    fn insert_at(&mut self, mut mp: usize, parts: (u8, u64), value: V) -> bool {
        if self.nodes[mp].is_live() {
            // Main position taken by a live key: a free node is needed.
            let Some(f) = self.free_position() else {
                return false;
            };
            let other = self.node_position(&self.nodes[mp]);
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
                self.nodes[mp].set_val(V::NIL);
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
        node.set_key(parts);
        node.set_val(value);
        true
    }

    /// Nodes in use (live or dead keys). O(size).
    pub(crate) fn used(&self) -> usize {
        self.nodes.iter().filter(|n| !n.is_free()).count()
    }

    /// Heap bytes of the node array (allocated exactly, as a boxed slice).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.len() * size_of::<Node<V>>()
    }

    /// Panics if the chain structure is broken; for the property tests.
    /// Rebuilds and hashes live keys only (dead keys may be collected
    /// objects).
    pub(crate) fn check(&self) {
        let size = self.nodes.len();
        assert!(size == 0 || size.is_power_of_two(), "node count {size}");
        assert!(self.lastfree as usize <= size, "lastfree past the end");
        let mut preds = vec![0u8; size];
        for (i, n) in self.nodes.iter().enumerate() {
            if n.is_free() {
                assert_eq!(n.key_bits, 0, "free node {i} has a key payload");
                assert!(!n.is_live(), "free node {i} has a value");
                assert_eq!(n.next, 0, "free node {i} is chained");
                assert!(i < self.lastfree as usize, "free node {i} above lastfree");
            }
            if n.next != 0 {
                let to = i.wrapping_add_signed(n.next as isize);
                assert!(to < size, "node {i} links out of range");
                assert!(!self.nodes[to].is_free(), "node {i} links to a free node");
                preds[to] += 1;
                assert!(preds[to] == 1, "node {to} has two predecessors");
            }
            if n.is_live() {
                let key = n.key();
                assert!(!key.is_nan(), "NaN key stored");
                assert!(!key.is_nil(), "live node {i} has a nil key");
                assert_eq!(key.key_parts(), (n.key_tag, n.key_bits), "parts");
                assert_eq!(
                    key.as_int_key(),
                    n.int_key(),
                    "key at node {i} is not normalised"
                );
                assert_eq!(
                    self.find(&key, n.int_key()),
                    Some(i),
                    "live key at node {i} not reachable from its main position"
                );
            }
        }
    }
}

/// The `next` offset from node `from` to node `to`. Sizes stay far below
/// 2^31 nodes (that would be 64 GiB of nodes), as in PUC.
#[inline]
#[allow(clippy::cast_possible_truncation)] // Cannot truncate: see above.
fn offset(from: usize, to: usize) -> i32 {
    (to as isize - from as isize) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_is_24_bytes() {
        use crate::simple::SimpleValue;
        assert_eq!(size_of::<Node<SimpleValue>>(), 24);
    }

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
