//! The table: its two parts, lookups, stores, traversal and resizing.
//!
//! Layout, and the invariants every method keeps:
//!
//! * `array` holds the values of keys `1..=array.len()`, nil where absent.
//!   Its length is the array size PUC would have (set only by `resize`), and
//!   its capacity equals its length, so an array slot costs exactly
//!   `size_of::<V>()` bytes.
//! * `hash` holds every other live key, plus *dead* keys: keys whose value
//!   was set to nil. Keys are normalised (a float with an integer value is
//!   stored as the integer) and no key in `hash` is an integer in
//!   `1..=array.len()`.
//! * `hash_limit` is PUC's node-vector size: 0 or a power of two. `hash` was
//!   allocated for exactly `hash_limit` entries and never holds more, so it
//!   never reallocates on its own. A new key that finds `hash.len() ==
//!   hash_limit` triggers a rehash; dead keys are dropped only there, which
//!   is what makes "assign nil (or change a value) during traversal" safe.
//! * `limit` is the border hint (PUC's `alimit`): either `array.len()` or,
//!   when the array size is a power of two, a smaller candidate border in
//!   `(array.len()/2, array.len())`. Reading `#t` or `t[i]` may move it,
//!   exactly as `luaH_getn`/`luaH_getint` move `alimit`, so it is interior
//!   mutable: a relaxed `AtomicUsize` (plain loads and stores on the
//!   targets we care about) rather than a `Cell`, so that `Table` stays
//!   `Sync`. Any value another thread could store is a valid hint for the
//!   same array, since `&self` freezes the array.

use std::hash::BuildHasherDefault;
use std::mem::size_of;
use std::sync::atomic::{AtomicUsize, Ordering};

use indexmap::{Equivalent, IndexMap};
use rustc_hash::FxHasher;

use crate::key::{IntQuery, Key, OtherQuery};
use crate::rehash::{Census, MAX_ABITS, compute_sizes, count_array, count_int, hash_slots};
use crate::{InvalidNextKey, KeyError, TableValue};

type HashPart<V> = IndexMap<Key<V>, V, BuildHasherDefault<FxHasher>>;

fn new_hash_part<V: TableValue>(slots: usize) -> HashPart<V> {
    IndexMap::with_capacity_and_hasher(slots, BuildHasherDefault::default())
}

/// A Lua table: an array part for keys `1..=n` and an insertion-ordered
/// hash part for everything else. See the crate documentation for the
/// design; the value type supplies nil, integer keys, hashing and equality
/// through [`TableValue`].
///
/// The table holds no metatable and no metamethod cache: the runtime wraps
/// it in its own object that does.
pub struct Table<V: TableValue> {
    pub(crate) array: Vec<V>,
    pub(crate) limit: AtomicUsize,
    pub(crate) hash: HashPart<V>,
    pub(crate) hash_limit: usize,
    /// Hash-part index of the entry `next` returned last: the next call
    /// usually passes that key back, and comparing it in place saves a hash
    /// lookup (and its cache misses) per traversal step.
    next_hint: AtomicUsize,
}

impl<V: TableValue> Default for Table<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: TableValue> Clone for Table<V> {
    /// Clones with the same part sizes (a derived clone would shrink the
    /// hash part's entry vector and break the sizing invariant).
    fn clone(&self) -> Self {
        let mut hash = new_hash_part(self.hash_limit);
        hash.extend(self.hash.iter().map(|(k, v)| (*k, *v)));
        Self {
            array: self.array.clone(),
            limit: AtomicUsize::new(self.hint()),
            hash,
            hash_limit: self.hash_limit,
            next_hint: AtomicUsize::new(0),
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
            array: Vec::new(),
            limit: AtomicUsize::new(0),
            hash: new_hash_part(0),
            hash_limit: 0,
            next_hint: AtomicUsize::new(0),
        }
    }

    /// Preallocate for a constructor: `narray` array slots (exactly) and room
    /// for `nhash` hash entries (rounded up to a power of two), as
    /// `OP_NEWTABLE` does. `{1, 2, 3, x = 1}` is `with_capacity(3, 1)`.
    pub fn with_capacity(narray: usize, nhash: usize) -> Self {
        let hash_limit = hash_slots(nhash);
        Self {
            array: vec![V::NIL; narray],
            limit: AtomicUsize::new(narray),
            hash: new_hash_part(hash_limit),
            hash_limit,
            next_hint: AtomicUsize::new(0),
        }
    }

    /// The border hint (PUC's `alimit`).
    #[inline]
    pub(crate) fn hint(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    #[inline]
    pub(crate) fn set_hint(&self, limit: usize) {
        self.limit.store(limit, Ordering::Relaxed);
    }

    /// Index into `array` for `key`, if the key lives there. Moves the
    /// border hint when the key is past it, as `luaH_getint` does.
    #[inline]
    fn array_index(&self, key: i64) -> Option<usize> {
        let idx = (key as u64).wrapping_sub(1);
        if idx < self.array.len() as u64 {
            let idx = idx as usize;
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
    #[inline]
    pub fn get_int(&self, key: i64) -> V {
        match self.array_index(key) {
            Some(i) => self.array[i],
            None => self.get_int_from_hash(key),
        }
    }

    /// The out-of-line half of `get_int`, so the array fast path inlines
    /// small into the caller.
    #[inline(never)]
    fn get_int_from_hash(&self, key: i64) -> V {
        self.hash.get(&IntQuery(key)).copied().unwrap_or(V::NIL)
    }

    /// Lookup for a key the caller knows is not an integer key, nil or NaN
    /// (typically a string): skips the integer-key test.
    #[inline]
    pub fn get_str(&self, key: V) -> V {
        self.hash.get(&OtherQuery(key)).copied().unwrap_or(V::NIL)
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
    #[inline]
    pub fn set_str(&mut self, key: V, value: V) {
        self.set_in_hash(key, None, value);
    }

    /// `t[key] = value` for an integer key.
    #[inline]
    pub fn set_int(&mut self, key: i64, value: V) {
        if let Some(i) = self.array_index(key) {
            self.array[i] = value;
        } else {
            self.set_int_in_hash(key, value);
        }
    }

    /// The out-of-line half of `set_int`: keeping it out of the caller
    /// lets the array store take the value from registers (measured: a
    /// 1M-store loop went from ~14 to ~4 ns per store).
    #[inline(never)]
    fn set_int_in_hash(&mut self, key: i64, value: V) {
        self.set_in_hash(V::from_int_key(key), Some(key), value);
    }

    /// Store into the hash part; a new key with a non-nil value may need a
    /// rehash first. (Two probes for a new key, lookup then insert: measured
    /// faster here than indexmap's entry API, whose entry value is moved
    /// through memory on every call.)
    #[inline]
    fn set_in_hash(&mut self, key: V, int_key: Option<i64>, value: V) {
        let slot = match int_key {
            Some(i) => self.hash.get_mut(&IntQuery(i)),
            None => self.hash.get_mut(&OtherQuery(key)),
        };
        if let Some(slot) = slot {
            *slot = value;
        } else if value.is_nil() {
            // do not insert nil values
        } else if self.hash.len() < self.hash_limit {
            self.hash.insert(Key(key), value);
        } else {
            self.insert_new(key, int_key, value);
        }
    }

    /// Inserts a key known to be absent, with a non-nil value, into a full
    /// hash part: rehash, then store (the slow half of PUC's `luaH_newkey`).
    #[cold]
    fn insert_new(&mut self, key: V, int_key: Option<i64>, value: V) {
        self.rehash(int_key);
        // The census counted this key, so it now fits: in the array if the
        // array grew over it, else in the hash part's spare room.
        if let Some(i) = int_key {
            let idx = (i as u64).wrapping_sub(1);
            if idx < self.array.len() as u64 {
                self.array[idx as usize] = value;
                return;
            }
        }
        debug_assert!(self.hash.len() < self.hash_limit);
        self.hash.insert(Key(key), value);
    }

    /// Recomputes both part sizes from a census of the live keys plus the
    /// key about to be inserted (PUC's `rehash`; see `rehash.rs`).
    fn rehash(&mut self, extra_int: Option<i64>) {
        let mut nums: Census = [0; MAX_ABITS + 1];
        let mut na = count_array(&self.array, V::is_nil, &mut nums);
        let mut total = na;
        for (k, v) in &self.hash {
            if !v.is_nil() {
                total += 1;
                if let Some(i) = k.0.as_int_key() {
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
    /// The hash part is reworked in place rather than rebuilt: `retain`
    /// drops dead keys and keys moving to the array using the stored
    /// hashes, and a reserve or shrink brings the capacity to the new limit.
    /// No key is hashed or compared again, which keeps string-keyed growth
    /// close to a plain map's.
    pub fn resize(&mut self, narray: usize, nhash: usize) {
        let old_asize = self.array.len();
        let mut moved = Vec::new();
        if narray < old_asize {
            for (i, v) in self.array.iter().enumerate().skip(narray) {
                if !v.is_nil() {
                    moved.push((Key(V::from_int_key(i as i64 + 1)), *v));
                }
            }
            self.array.truncate(narray);
            self.array.shrink_to_fit();
        } else if narray > old_asize {
            self.array.reserve_exact(narray - old_asize);
            self.array.resize(narray, V::NIL);
        }
        let array = &mut self.array;
        self.hash.retain(|k, v| {
            if v.is_nil() {
                return false;
            }
            if let Some(i) = k.0.as_int_key() {
                let idx = (i as u64).wrapping_sub(1);
                if idx < narray as u64 {
                    array[idx as usize] = *v;
                    return false;
                }
            }
            true
        });
        let needed = self.hash.len() + moved.len();
        let hash_limit = hash_slots(nhash).max(hash_slots(needed));
        if hash_limit > self.hash_limit {
            self.hash.reserve_exact(hash_limit - self.hash.len());
        } else if hash_limit < self.hash_limit {
            self.hash.shrink_to(hash_limit);
        }
        self.hash.extend(moved);
        self.hash_limit = hash_limit;
        self.set_hint(narray);
    }

    /// Traversal step (`next`): `next(nil)` gives the first entry, then each
    /// call with the previous key gives the following one: the array part
    /// in index order, then the hash part in insertion order, skipping nil
    /// values. `Ok(None)` at the end; `Err` for a key not in the table.
    ///
    /// Assigning to existing fields (including nil) between steps does not
    /// disturb the traversal: a field set to nil keeps its key (dead) until
    /// the next rehash, and only inserting a new key can rehash.
    pub fn next(&self, key: V) -> Result<Option<(V, V)>, InvalidNextKey> {
        let asize = self.array.len();
        let start = if key.is_nil() {
            0
        } else {
            let int_key = key.as_int_key();
            match int_key {
                Some(i) if (i as u64).wrapping_sub(1) < asize as u64 => i as usize,
                _ => asize + self.hash_position(key, int_key).ok_or(InvalidNextKey)? + 1,
            }
        };
        Ok(self.next_from(start))
    }

    /// Index in the hash part of a key given to `next`.
    fn hash_position(&self, key: V, int_key: Option<i64>) -> Option<usize> {
        let hint = self.next_hint.load(Ordering::Relaxed);
        if let Some((k, _)) = self.hash.get_index(hint) {
            let same = match int_key {
                Some(i) => IntQuery(i).equivalent(k),
                None => !key.is_nan() && OtherQuery(key).equivalent(k),
            };
            if same {
                return Some(hint);
            }
        }
        match int_key {
            Some(i) => self.hash.get_index_of(&IntQuery(i)),
            None if key.is_nan() => None,
            None => self.hash.get_index_of(&OtherQuery(key)),
        }
    }

    /// First live entry at traversal position `pos` or later (positions
    /// `0..asize` are array slots, then hash entries in order).
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
        let rest = self.hash.as_slice().get_range(from..)?;
        let (offset, (k, v)) = rest.iter().enumerate().find(|(_, (_, v))| !v.is_nil())?;
        self.next_hint.store(from + offset, Ordering::Relaxed);
        Some((k.0, *v))
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
            .iter()
            .filter(|(_, v)| !v.is_nil())
            .map(|(k, v)| (k.0, *v));
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
        for (k, v) in &self.hash {
            if !v.is_nil() {
                f(k.0, *v);
            }
        }
    }

    /// Removes every entry for which `keep(key, value)` is false (weak
    /// tables). As in PUC's `clearkey`, a removed hash entry becomes a dead
    /// key (its value turns nil, the key stays until the next rehash), so a
    /// traversal in progress is not disturbed. The dead key is never hashed
    /// again and is only compared, by `key_eq`, against keys being looked
    /// up: the value type must compare collectable objects by identity
    /// without dereferencing them.
    pub fn retain(&mut self, mut keep: impl FnMut(V, V) -> bool) {
        for (i, v) in self.array.iter_mut().enumerate() {
            if !v.is_nil() && !keep(V::from_int_key(i as i64 + 1), *v) {
                *v = V::NIL;
            }
        }
        for (k, v) in self.hash.iter_mut() {
            if !v.is_nil() && !keep(k.0, *v) {
                *v = V::NIL;
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
        assert_eq!(self.array.capacity(), n, "array capacity is its size");
        assert!(self.hash_limit == 0 || self.hash_limit.is_power_of_two());
        assert!(
            self.hash.len() <= self.hash_limit,
            "hash part over its size"
        );
        for k in self.hash.keys() {
            assert!(!k.0.is_nil() && !k.0.is_nan(), "nil or NaN key stored");
            if let Some(i) = k.0.as_int_key() {
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

    /// Entries the hash part holds, dead keys included.
    pub fn hash_len(&self) -> usize {
        self.hash.len()
    }

    /// Entries the hash part can hold before the next rehash (0 or a power
    /// of two).
    pub fn hash_capacity(&self) -> usize {
        self.hash_limit
    }

    /// Bytes of heap memory the table owns (its two parts; not the table
    /// header, which lives wherever the caller put the `Table`). Exact for
    /// the array part; for the hash part it follows indexmap's layout (an
    /// entry vector of `(hash, key, value)` plus a hashbrown index table of
    /// `usize` slots and control bytes), checked against a counting
    /// allocator by the crate's tests.
    pub fn heap_bytes(&self) -> usize {
        self.array.capacity() * size_of::<V>() + hash_part_bytes::<V>(self.hash_limit)
    }
}

/// Width of hashbrown's control-byte group (SSE2 on x86, 8 elsewhere).
const GROUP_WIDTH: usize = if cfg!(all(
    target_feature = "sse2",
    any(target_arch = "x86", target_arch = "x86_64")
)) {
    16
} else {
    8
};

/// Bytes indexmap allocates for `slots` entries created with
/// `with_capacity(slots)`.
fn hash_part_bytes<V>(slots: usize) -> usize {
    if slots == 0 {
        return 0;
    }
    let entries = slots * size_of::<(usize, V, V)>();
    // hashbrown's capacity_to_buckets for an index table of usize.
    let buckets = if slots < 4 {
        4
    } else if slots < 8 {
        8
    } else if slots < 15 {
        16
    } else {
        (slots * 8 / 7).next_power_of_two()
    };
    let align = GROUP_WIDTH.max(std::mem::align_of::<usize>());
    let ctrl_offset = (buckets * size_of::<usize>()).next_multiple_of(align);
    entries + ctrl_offset + buckets + GROUP_WIDTH
}
