//! The table: its two parts, lookups, stores, traversal and resizing.
//!
//! Layout, and the invariants every method keeps:
//!
//! * `array` holds the values of keys `1..=array.len()`, nil where absent.
//!   Its length is the array size PUC would have (set only by `resize`).
//!   It is a boxed slice, not a `Vec`: an array slot costs exactly
//!   `size_of::<V>()` bytes and the header has no capacity word.
//! * `hash` is PUC's node array (see `hash.rs`): every other live key, plus
//!   *dead* keys, keys whose value was set to nil. Keys are normalised (a
//!   float with an integer value is stored as the integer) and no key in
//!   `hash` is an integer in `1..=array.len()`. Its size is 0 or a power of
//!   two and changes only in `resize`; a new key that finds no free node
//!   triggers a rehash, and dead keys are dropped only there (or
//!   overwritten by a new key whose main position they occupy, as in PUC),
//!   which is what makes "assign nil (or change a value) during traversal"
//!   safe.
//! * `limit` is the border hint (PUC's `alimit`): either `array.len()` or,
//!   when the array size is a power of two, a smaller candidate border in
//!   `(array.len()/2, array.len())`. Reading `#t` or `t[i]` may move it,
//!   exactly as `luaH_getn`/`luaH_getint` move `alimit`, so it is interior
//!   mutable: a relaxed `AtomicU32` (plain loads and stores on the
//!   targets we care about) rather than a `Cell`, so that `Table` stays
//!   `Sync`. Any value another thread could store is a valid hint for the
//!   same array, since `&self` freezes the array.

use std::mem::size_of;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::hash::HashPart;
use crate::rehash::{Census, MAX_ABITS, compute_sizes, count_array, count_int, hash_slots};
use crate::{InvalidNextKey, KeyError, TableValue};

/// A Lua table: an array part for keys `1..=n` and a hash part (PUC's node
/// array) for everything else. See the crate documentation for the
/// design; the value type supplies nil, integer keys, hashing and equality
/// through [`TableValue`].
///
/// The table holds no metatable and no metamethod cache: the runtime wraps
/// it in its own object that does.
pub struct Table<V: TableValue> {
    pub(crate) array: Box<[V]>,
    pub(crate) limit: AtomicU32,
    pub(crate) hash: HashPart<V>,
    /// Node index of the entry `next` returned last: the next call
    /// usually passes that key back, and comparing it in place saves a hash
    /// lookup (and its cache misses) per traversal step.
    next_hint: AtomicU32,
}

impl<V: TableValue> Default for Table<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: TableValue> Clone for Table<V> {
    /// Clones with the same part sizes and the same node layout (so the
    /// clone traverses in the same order).
    fn clone(&self) -> Self {
        Self {
            array: self.array.clone(),
            limit: AtomicU32::new(self.limit.load(Ordering::Relaxed)),
            hash: self.hash.clone(),
            next_hint: AtomicU32::new(0),
        }
    }
}

impl<V: TableValue + std::fmt::Debug> std::fmt::Debug for Table<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: TableValue> Table<V> {
    /// An empty table; allocates nothing.
    pub fn new() -> Self {
        Self {
            array: Box::default(),
            limit: AtomicU32::new(0),
            hash: HashPart::new(0),
            next_hint: AtomicU32::new(0),
        }
    }

    /// Preallocate for a constructor: `narray` array slots (exactly) and room
    /// for `nhash` hash entries (rounded up to a power of two), as
    /// `OP_NEWTABLE` does. `{1, 2, 3, x = 1}` is `with_capacity(3, 1)`.
    pub fn with_capacity(narray: usize, nhash: usize) -> Self {
        Self {
            array: vec![V::NIL; narray].into_boxed_slice(),
            limit: AtomicU32::new(narray_u32(narray)),
            hash: HashPart::new(hash_slots(nhash)),
            next_hint: AtomicU32::new(0),
        }
    }

    /// The border hint (PUC's `alimit`).
    #[inline]
    pub(crate) fn hint(&self) -> usize {
        self.limit.load(Ordering::Relaxed) as usize
    }

    #[inline]
    pub(crate) fn set_hint(&self, limit: usize) {
        self.limit.store(narray_u32(limit), Ordering::Relaxed);
    }

    /// Index into `array` for `key`, if the key lives there. Moves the
    /// border hint when the key is past it, as `luaH_getint` does.
    ///
    /// Reads move it too, because lua5.4 (5.4.4) does: its `luaV_fastgeti`
    /// sends a key past `alimit` to `luaH_getint`, which sets `alimit` to
    /// it, and the next `#t` starts from there (test
    /// `a_read_past_the_hint_moves_the_border`); reads that left the hint
    /// alone would pick other borders than lua5.4 after some histories.
    /// The test is one comparison against the array size, not PUC's
    /// `key - 1 < alimit` with the rest out of line: here a bounds check
    /// that PUC does not have would come on top of that. The store is
    /// taken only by the first access past the hint, once `#t` has set the
    /// hint below the array size. (The variants measured are in
    /// docs/PERFORMANCE.md.)
    #[inline(always)]
    fn array_index(&self, key: i64) -> Option<usize> {
        let idx = (key as u64).wrapping_sub(1);
        if idx < self.array.len() as u64 {
            let idx = within_len(idx, self.array.len());
            if idx >= self.hint() {
                self.set_hint(idx + 1);
            }
            Some(idx)
        } else {
            None
        }
    }

    /// The value for `key`; nil if absent. Float keys with an integer
    /// value are the integer key; nil and NaN keys read as nil.
    #[inline]
    pub fn get(&self, key: V) -> V {
        if let Some(i) = key.as_int_key() {
            self.get_int(i)
        } else if key.is_nil() || key.is_nan() {
            V::NIL
        } else {
            self.get_str(key)
        }
    }

    /// The value for integer key `key`: array part first, then the hash.
    #[inline(always)]
    pub fn get_int(&self, key: i64) -> V {
        match self.array_index(key) {
            Some(i) => V::load(&self.array[i]),
            None => self.get_int_from_hash(key),
        }
    }

    /// The out-of-line half of `get_int`, so the array fast path inlines
    /// small into the caller.
    #[inline(never)]
    fn get_int_from_hash(&self, key: i64) -> V {
        self.hash.get_int(key)
    }

    /// Lookup for a key the caller knows is not an integer key, nil or NaN
    /// (typically a string): skips the integer-key test. Hashes the key,
    /// goes to its main position and follows the chain.
    #[inline]
    pub fn get_str(&self, key: V) -> V {
        self.hash.get_other(&key)
    }

    /// `t[key] = value` (raw). Errors on a nil or NaN key, whatever the
    /// value. Assigning nil to an absent key does nothing; to a present key
    /// it leaves a dead key behind (see [`Table::next`]).
    #[inline]
    pub fn set(&mut self, key: V, value: V) -> Result<(), KeyError> {
        if let Some(i) = key.as_int_key() {
            self.set_int(i, value);
            return Ok(());
        }
        if key.is_nil() {
            return Err(KeyError::Nil);
        }
        if key.is_nan() {
            return Err(KeyError::NaN);
        }
        self.set_str(key, value);
        Ok(())
    }

    /// Store for a key the caller knows is not an integer key, nil or NaN
    /// (typically a string): skips the integer-key and error tests.
    #[inline(always)]
    pub fn set_str(&mut self, key: V, value: V) {
        if !self.hash.set_other(&key, value) && !value.is_nil() {
            self.new_key(key, None, value);
        }
    }

    /// `t[key] = value` when `key` (not an integer key, nil or NaN;
    /// typically a short string) is present with a non-nil value: the
    /// update of an existing field, which never resizes. Returns false,
    /// changing nothing, otherwise (absent, dead, or a key compared by
    /// content): then [`Table::set_str`] does the store.
    #[inline(always)]
    pub fn replace_str(&mut self, key: V, value: V) -> bool {
        self.hash.replace_other(&key, value)
    }

    /// `t[key] = value` for an integer key.
    #[inline(always)]
    pub fn set_int(&mut self, key: i64, value: V) {
        if let Some(i) = self.array_index(key) {
            V::store(&mut self.array[i], value);
        } else {
            self.set_int_in_hash(key, value);
        }
    }

    /// The out-of-line half of `set_int`: keeping it out of the caller
    /// lets the array store take the value from registers.
    #[inline(never)]
    fn set_int_in_hash(&mut self, key: i64, value: V) {
        match self.hash.find_int(key) {
            Some(i) => self.hash.set_at(i, value),
            None if value.is_nil() => {}
            None => self.new_key(V::from_int_key(key), Some(key), value),
        }
    }

    /// Inserts a key known to be absent, with a non-nil value (PUC's
    /// `luaH_newkey`): into the hash part if it has room for it, else
    /// after a rehash. Out of line, so that a store to an existing field
    /// (`set_str`'s lookup and one store) inlines small into the caller.
    #[inline(never)]
    fn new_key(&mut self, key: V, int_key: Option<i64>, value: V) {
        if !self.hash.insert(key, int_key, value) {
            self.insert_after_rehash(key, int_key, value);
        }
    }

    /// The slow half of `new_key`: rehash, then store (PUC calls
    /// `luaH_set` again after its `rehash`).
    #[cold]
    #[inline(never)]
    fn insert_after_rehash(&mut self, key: V, int_key: Option<i64>, value: V) {
        self.rehash(int_key);
        // The census counted this key, so it now fits: in the array if the
        // array grew over it, else in the hash part's spare room.
        if let Some(i) = int_key {
            let idx = (i as u64).wrapping_sub(1);
            if idx < self.array.len() as u64 {
                self.array[within_len(idx, self.array.len())] = value;
                return;
            }
        }
        let inserted = self.hash.insert(key, int_key, value);
        debug_assert!(inserted, "the rehash made room for the new key");
    }

    /// Recomputes both part sizes from a census of the live keys plus the
    /// key about to be inserted (PUC's `rehash`; see `rehash.rs`).
    fn rehash(&mut self, extra_int: Option<i64>) {
        let mut nums: Census = [0; MAX_ABITS + 1];
        let mut na = count_array(&self.array, V::is_nil, &mut nums);
        let mut total = na;
        for n in self.hash.nodes() {
            if n.is_live() {
                total += 1;
                if let Some(i) = n.int_key() {
                    na += count_int(i, &mut nums);
                }
            }
        }
        if let Some(i) = extra_int {
            na += count_int(i, &mut nums);
        }
        total += 1;
        let (asize, na) = compute_sizes(&nums, na);
        self.resize(asize, total - na);
    }

    /// Resizes the array part to exactly `narray` slots and the hash part to
    /// room for `nhash` entries (rounded up to a power of two), moving keys
    /// between the parts and dropping dead keys (PUC's `luaH_resize`). If
    /// the hash part would be too small for the keys it must hold, it gets
    /// the smallest power of two that fits them.
    ///
    /// As in PUC, the new node array is filled first with the values of a
    /// vanishing array slice (in index order), then with the live entries
    /// of the old node array in node order; that order decides the new
    /// layout, and so the traversal order.
    pub fn resize(&mut self, narray: usize, nhash: usize) {
        let old_asize = self.array.len();
        // Keys the new hash part must hold: the vanishing array slice plus
        // the old hash part's live keys that do not move to the array.
        let mut needed = 0;
        if narray < old_asize {
            needed += self.array[narray..].iter().filter(|v| !v.is_nil()).count();
        }
        for n in self.hash.nodes() {
            if n.is_live() && !in_array(n.int_key(), narray) {
                needed += 1;
            }
        }
        let size = hash_slots(nhash).max(hash_slots(needed));
        let old = std::mem::replace(&mut self.hash, HashPart::new(size));
        if narray < old_asize {
            for (i, v) in self.array.iter().enumerate().skip(narray) {
                if !v.is_nil() {
                    let k = i as i64 + 1;
                    let inserted = self.hash.insert(V::from_int_key(k), Some(k), *v);
                    debug_assert!(inserted);
                }
            }
            let mut array = std::mem::take(&mut self.array).into_vec();
            array.truncate(narray);
            self.array = array.into_boxed_slice(); // shrinks in place
        } else if narray > old_asize {
            // `reserve_exact` grows the block in place when it can (a
            // `realloc`), and leaves capacity == length, so turning it back
            // into a box reallocates nothing.
            let mut array = std::mem::take(&mut self.array).into_vec();
            array.reserve_exact(narray - old_asize);
            array.resize(narray, V::NIL);
            self.array = array.into_boxed_slice();
        }
        self.set_hint(narray);
        for n in old.nodes() {
            if !n.is_live() {
                continue;
            }
            if let Some(i) = n.int_key()
                && in_array(Some(i), narray)
            {
                self.array[within_len(i as u64, narray) - 1] = n.val();
                continue;
            }
            let inserted = self.hash.reinsert(n);
            debug_assert!(inserted);
        }
    }

    /// Traversal step (`next`): `next(nil)` gives the first entry, then each
    /// call with the previous key gives the following one: the array part
    /// in index order, then the hash part in node order (lua5.4's own
    /// order), skipping nil values. `Ok(None)` at the end; `Err` for a key
    /// not in the table.
    ///
    /// Assigning to existing fields (including nil) between steps does not
    /// disturb the traversal: a field set to nil keeps its key (dead) until
    /// the next rehash, and only inserting a new key can rehash or reuse a
    /// dead key's node.
    pub fn next(&self, key: V) -> Result<Option<(V, V)>, InvalidNextKey> {
        // Word by word (`TableValue::load`): the caller's copy of the key
        // was usually just stored that way (a `pairs` loop's control
        // variable), and a whole-value load of it waited for both stores.
        let key = V::load(&key);
        let asize = self.array.len();
        let start = if key.is_nil() {
            0
        } else {
            let int_key = key.as_int_key();
            match int_key {
                Some(i) if (i as u64).wrapping_sub(1) < asize as u64 => within_len(i as u64, asize),
                _ => asize + self.hash_position(key, int_key).ok_or(InvalidNextKey)? + 1,
            }
        };
        Ok(self.next_from(start))
    }

    /// Node index of a key given to `next` (dead keys included).
    fn hash_position(&self, key: V, int_key: Option<i64>) -> Option<usize> {
        let hint = self.next_hint.load(Ordering::Relaxed) as usize;
        if let Some(n) = self.hash.nodes().get(hint) {
            let same = match int_key {
                Some(i) => n.int_key() == Some(i),
                None => !key.is_nan() && n.holds(&key, key.key_parts()),
            };
            if same {
                return Some(hint);
            }
        }
        self.hash.find(&key, int_key)
    }

    /// First live entry at traversal position `pos` or later (positions
    /// `0..asize` are array slots, then nodes in order).
    fn next_from(&self, pos: usize) -> Option<(V, V)> {
        let asize = self.array.len();
        if pos < asize {
            for (i, v) in self.array[pos..].iter().enumerate() {
                if !v.is_nil() {
                    return Some((V::from_int_key((pos + i + 1) as i64), *v));
                }
            }
        }
        let from = pos.saturating_sub(asize);
        let rest = self.hash.nodes().get(from..)?;
        let (offset, n) = rest.iter().enumerate().find(|(_, n)| n.is_live())?;
        // A node index fits: see `narray_u32`.
        self.next_hint
            .store(narray_u32(from + offset), Ordering::Relaxed);
        Some((n.key(), n.val()))
    }

    /// Every `(key, value)` with a non-nil value, in traversal order.
    pub fn iter(&self) -> impl Iterator<Item = (V, V)> + '_ {
        let array = self
            .array
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nil())
            .map(|(i, v)| (V::from_int_key(i as i64 + 1), *v));
        let hash = self
            .hash
            .nodes()
            .iter()
            .filter(|n| n.is_live())
            .map(|n| (n.key(), n.val()));
        array.chain(hash)
    }

    /// Visits every `(key, value)` with a non-nil value (the GC's mark
    /// phase). Dead keys are not visited: nothing keeps them alive.
    pub fn for_each(&self, mut f: impl FnMut(V, V)) {
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() {
                f(V::from_int_key(i as i64 + 1), *v);
            }
        }
        self.for_each_in_hash(f);
    }

    /// The array part, nils included (slot `i` holds key `i + 1`): the
    /// collector traces a long one in slices.
    pub fn array_part(&self) -> &[V] {
        &self.array
    }

    /// [`Table::for_each`] over the hash part only.
    pub fn for_each_in_hash(&self, mut f: impl FnMut(V, V)) {
        for n in self.hash.nodes() {
            if n.is_live() {
                f(n.key(), n.val());
            }
        }
    }

    /// Removes every entry for which `keep(key, value)` is false (weak
    /// tables). As in PUC's `clearkey`, a removed hash entry becomes a dead
    /// key (its value turns nil, the key stays until the next rehash), so a
    /// traversal in progress is not disturbed. The dead key is never hashed
    /// or rebuilt again and is only compared, by its stored parts (see
    /// [`TableValue::key_parts`]), against keys being looked up.
    pub fn retain(&mut self, mut keep: impl FnMut(V, V) -> bool) {
        for (i, v) in self.array.iter_mut().enumerate() {
            if !v.is_nil() && !keep(V::from_int_key(i as i64 + 1), *v) {
                *v = V::NIL;
            }
        }
        for n in self.hash.nodes_mut() {
            if n.is_live() && !keep(n.key(), n.val()) {
                n.set_val(V::NIL);
            }
        }
    }

    /// True if the table has no entry with a non-nil value. (Not the same
    /// as `len() == 0`: `{[2] = x}` has border 0 but is not empty.) O(n) in
    /// the worst case (an array part full of nils).
    pub fn is_empty(&self) -> bool {
        self.next_from(0).is_none()
    }

    /// Panics if an internal invariant is broken (see the crate docs);
    /// for the property tests.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let n = self.array.len();
        self.hash.check();
        for node in self.hash.nodes() {
            if let Some(i) = node.int_key() {
                assert!(
                    (i as u64).wrapping_sub(1) >= n as u64,
                    "key {i} belongs to the array part"
                );
            }
        }
        let hint = self.hint();
        assert!(
            hint == n || (n.is_power_of_two() && hint > n / 2 && hint < n),
            "border hint {hint} for an array of {n}"
        );
    }

    /// Size of the array part (slots, nil or not).
    pub fn array_len(&self) -> usize {
        self.array.len()
    }

    /// Entries the hash part holds, dead keys included. O(hash capacity).
    pub fn hash_len(&self) -> usize {
        self.hash.used()
    }

    /// Nodes in the hash part (0 or a power of two): it holds at most that
    /// many entries, live or dead, before the next rehash.
    pub fn hash_capacity(&self) -> usize {
        self.hash.size()
    }

    /// Bytes of heap memory the table owns (its two parts; not the table
    /// header, which lives wherever the caller put the `Table`). Exact: the
    /// array part and the node array are each one allocation of exactly
    /// their size, checked against a counting allocator by the crate's
    /// tests.
    pub fn heap_bytes(&self) -> usize {
        self.array.len() * size_of::<V>() + self.hash.heap_bytes()
    }
}

/// An array size or border hint as stored (PUC keeps `alimit` in an
/// `unsigned int` too): the array part holds at most 2^31 slots when it is
/// sized by a rehash (`MAX_ABITS`), and 2^32 slots of even 8 bytes would
/// be 32 GiB, so a size past `u32::MAX` cannot have been allocated. Node
/// indexes and counts (`next_hint`, `lastfree`) are bounded the same way.
#[inline]
#[allow(clippy::cast_possible_truncation)] // Cannot truncate: see above.
pub(crate) fn narray_u32(n: usize) -> u32 {
    debug_assert!(u32::try_from(n).is_ok(), "array size {n}");
    n as u32
}

/// An integer key or slot index `n` already compared against the length
/// `len` of the array part (`n <= len`), as a `usize`.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // Cannot truncate: `n <= len`, a `usize`.
pub(crate) fn within_len(n: u64, len: usize) -> usize {
    debug_assert!(n <= len as u64, "{n} > {len}");
    n as usize
}

/// Does integer key `key` fall in an array part of `asize` slots?
#[inline]
fn in_array(key: Option<i64>, asize: usize) -> bool {
    matches!(key, Some(i) if (i as u64).wrapping_sub(1) < asize as u64)
}
