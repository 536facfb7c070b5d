//! lua-tables: the Lua 5.4 table (an array part plus a hash part), generic
//! over the value type.
//!
//! **What it is.** The associative array behind every Lua table, with the
//! semantics of PUC-Rio Lua 5.4's `ltable.c`: float keys with an integer
//! value are integer keys, nil and NaN keys are errors, `len()` returns a
//! border (the same one lua5.4 returns for the same history, in the cases
//! tested below), `next` traverses while fields are assigned (including
//! nil), and the array part is sized by PUC's rule. It depends on no other
//! luna crate: a value type only has to implement [`TableValue`]. A ready
//! 16-byte value type, [`simple::SimpleValue`], is included for tests,
//! benchmarks and standalone use.
//!
//! **What it is not.** Not a Lua runtime: no metatables or metamethods, no
//! strings, no garbage collector. The table does not own a metatable; the
//! runtime wraps it in its own object holding the metatable and PUC's
//! `flags` cache of absent metamethods (decided so because the collector
//! marks the metatable along with the table's contents, and both live with
//! the runtime's object header; a table crate that held `Gc` pointers
//! would need to know the runtime's heap). It does not trace anything
//! itself either: [`Table::for_each`] visits the live entries for the
//! runtime's mark phase and [`Table::retain`] clears entries for weak
//! tables.
//!
//! ```
//! use lua_tables::simple::{SimpleValue as V, Sym};
//! use lua_tables::{KeyError, Table};
//!
//! let mut t: Table<V> = Table::new();
//! for i in 1..=10 {
//!     t.set_int(i, V::Int(i * i)); // t[i] = i * i
//! }
//! t.set(V::Str(Sym::new(0)), V::Bool(true)).unwrap(); // t.name = true
//! assert_eq!(t.len(), 10); // #t
//! assert_eq!(t.get(V::Float(3.0)), V::Int(9)); // t[3.0] is t[3]
//! assert_eq!(t.array_len(), 16); // the integer keys live in the array part
//! assert_eq!(t.set(V::Nil, V::Int(1)), Err(KeyError::Nil));
//!
//! // pairs(t): the array part in order, then the hash part's nodes in
//! // order (lua5.4's own order). Clearing fields while traversing is
//! // allowed.
//! let (mut k, mut n) = (V::Nil, 0);
//! while let Some((key, _value)) = t.next(k).unwrap() {
//!     t.set(key, V::Nil).unwrap();
//!     k = key;
//!     n += 1;
//! }
//! assert_eq!(n, 11);
//! assert!(t.is_empty());
//! ```
//!
//! # Design (after `ltable.c`'s header comment)
//!
//! A table keeps its entries in two parts. The **array part** is a
//! boxed slice holding the values of keys `1..=n` (nil where absent); an array
//! slot costs exactly one value (16 bytes for luna's `Value`). The **hash
//! part** holds every other key (integers outside `1..=n`, strings,
//! floats, booleans, objects) in PUC's node array: a power-of-two array
//! of nodes, each holding a key, its value and the offset of the next node
//! of its collision chain (chained scatter with Brent's variation, see
//! `hash.rs`). A lookup hashes the key, goes to its main position and
//! follows the chain; a hit in main position, the usual case, touches one
//! node, so one cache line. Integer keys hash as PUC's `hashint`; other
//! keys through [`TableValue::key_hash64`] (FxHash over `key_hash` by
//! default; strings bring their cached hash). Keys are normalised on the
//! way in: a float with an exact integer value is stored as that integer,
//! so `t[1.0]` and `t[1]` are one entry and `t[2^53]` is
//! `t[9007199254740992]`.
//!
//! **Rehash.** The array size changes only in a rehash, and a rehash
//! happens only when a *new* key must go into the hash part, its main
//! position is taken by a live key and no free node is left (every node
//! holds a key, live or dead; a dead key in the new key's main position is
//! simply overwritten, as in PUC). The rehash counts all live integer keys by
//! power-of-two slices (`nums[i]` = keys in `(2^(i-1), 2^i]`) and picks as
//! array size the largest power of two `n` such that more than `n/2` of
//! `1..=n` are in use (PUC's `computesizes`/`numusearray`); the hash part
//! gets the next power of two above the remaining keys plus the new one.
//! Keys then move between the parts. Consequences: `t[#t+1] = v` and
//! `t[i] = v` for `i = 1..n` are amortised O(1) and leave every value in the
//! array part (each rehash doubles it); a lone `t[1000000]` stays in the
//! hash part; a constructor (`{1, 2, 3, x = 1}`) sizes both parts once with
//! [`Table::with_capacity`]. A resize allocates a new node array and
//! reinserts the vanishing array slice, then the live nodes in node order,
//! exactly as `luaH_resize` does, so the new layout is lua5.4's too.
//!
//! **Border (`#t`).** [`Table::len`] transcribes `luaH_getn`, including the
//! `alimit` hint PUC keeps in the table: a candidate border inside the
//! array part that `#t` and integer reads move (see `border.rs`). For a
//! table filled in order, or popped with `t[#t] = nil`, `#t` is O(1); in the
//! worst case it is a binary search, in the array part or (doubling first)
//! through the hash part: O(log n). A differential test runs thousands of
//! random histories (stores, nil stores in the array part, appends, reads,
//! string keys, constructors with holes) through both this crate and
//! lua5.4 and requires the same `#t` every time.
//!
//! **Traversal.** `next(nil)` starts; `next(k)` finds `k` (an array index,
//! or a position in the hash part) and returns the next live entry: the
//! array part in index order, then the hash part in node order, which is
//! PUC's own order: for a hash part holding only integer keys it is
//! lua5.4's order exactly (a differential test checks it), for other keys
//! it differs (see below). Setting a field to nil does not remove its key:
//! the entry stays, *dead* (nil value), in its node and its chain until
//! the next rehash, so a traversal that clears or changes fields keeps its
//! place. Only inserting a new key can rehash or reuse a dead key's node,
//! and that is the case the Lua manual leaves undefined; here it can at
//! worst make `next` return `Err(InvalidNextKey)` ("invalid key to
//! 'next'"). Each step is O(1) amortised: the table remembers the node the
//! last step ended on and compares the given key there before hashing it.
//!
//! **Dead keys and the collector.** [`Table::retain`] clears the entries
//! the collector condemns (weak tables) the way PUC's `clearkey` does: the
//! value becomes nil and the key stays as a dead key until the next
//! rehash. [`Table::for_each`] does not visit dead keys, so their objects
//! may be collected while they sit in their nodes. A dead key is therefore
//! never hashed or rebuilt again, and is compared with the keys being
//! looked up by its stored parts only ([`TableValue::key_parts`]: for an
//! object, its address), never through [`TableValue::key_eq`], which may
//! dereference it.
//!
//! **Invariants** (checked by the property tests after every operation):
//! the array holds exactly the keys `1..=array_len()`; no hash key is an integer in that range; no hash key is a
//! float with an integer value, nil or NaN; the node array has 0 or a
//! power-of-two nodes and is reallocated only by a resize; every live key
//! is reachable from its main position, every chain link stays inside the
//! array and leads to a used node, no node has two predecessors, and every
//! node at or above the free cursor is used; the border hint is the array
//! size or, for a power-of-two array, a value in its upper half.
//!
//! **Differences from lua5.4.** Keys other than integers hash differently
//! (lua5.4 seeds its string hash per state, so its own order for string
//! keys changes from run to run; floats, booleans and objects use
//! `key_hash64` here), so for tables holding such keys in the hash part
//! `pairs` visits the hash part in another order than lua5.4, and since
//! node positions decide when a dead key is reused instead of a rehash,
//! the part sizes after nil stores, and then which border `#t` picks among
//! several, can differ (the answer is always a border). With integer keys
//! only, positions, sizes, order and borders are lua5.4's. A node costs
//! 32 bytes for a 16-byte value against PUC's 24 (below): the key is
//! stored split into a tag byte and an 8-byte payload that sit next to the
//! chain link, but the value is stored whole, where PUC also packs the
//! key's tag and the link into the value's padding.
//!
//! `len()` returns `u64` (PUC's `lua_Unsigned`); it never exceeds
//! `i64::MAX`. `is_empty()` means "no live entry", which is not `len() ==
//! 0` (`{[2] = x}` has border 0). The table is `Send` and `Sync` when the
//! value type is: the border hint and the traversal hint are relaxed
//! atomics. The crate's one `unsafe` operation is the call of
//! [`TableValue::from_key_parts`] that rebuilds a stored key (`Node::key`
//! in `hash.rs`), on parts that came from `key_parts` of a live key (the
//! property tests were also run once under valgrind's memcheck with the
//! 40-byte nodes: no errors).
//!
//! # Figures
//!
//! Measured on the shared 2-core development machine (noisy; release
//! build, `cargo test -p lua-tables --release --test memory -- --nocapture`
//! and `cargo bench -p lua-tables`).
//!
//! **Memory.** [`Table::heap_bytes`] is exact (a test compares it with a
//! counting allocator). 1,000,000 integers appended in order: all in the
//! array part, 2^20 slots, **16,777,216 bytes**; lua5.4 reports
//! 16,777,272 bytes (`collectgarbage("count")` before/after, the same 2^20
//! 16-byte slots plus its 56-byte table header): ratio **1.00**. A hash
//! node costs 32 bytes (value, key payload, 4-byte link, key tag,
//! padding), so 32 to 64 bytes per live entry: 100,000 string keys take
//! **4,194,304 bytes** (41.9 per entry, 2^17 nodes) against lua5.4's
//! 3,145,784 (31.5 per entry, 24-byte nodes): ratio **1.33**. (With the
//! key stored whole, 40-byte nodes, it was 5,242,880 bytes, ratio 1.67;
//! the `IndexMap` hash part before that took 7,602,192 bytes, 76 per
//! entry, ratio 2.4: a 40-byte entry plus a hashbrown index of 18 bytes
//! per slot.) The `Table` header itself is `size_of::<Table<V>>()` = 48
//! bytes (64 with a `Vec` array part and word-sized hints, 104 with the
//! `IndexMap`): two boxed slices and three 32-bit counters (the border
//! hint, the free-node cursor, the traversal hint; PUC's are `unsigned
//! int` too). In luna that takes a table's box from 104 to 88 bytes,
//! which moves it to a smaller allocator size class (112 -> 96):
//! `binary_trees` peaks at 30.8 MB instead of 32.6 MB.
//!
//! **Speed** (divan, fastest of 20 samples; the machine was busy, so
//! absolute times are about 1.5-2x those of a quiet run; `HashMap` and
//! `IndexMap` use the same FxHash; string keys are [`simple::Sym`]s, an
//! id plus a cached 32-bit hash). The "before" column is the `IndexMap`
//! hash part, its benchmark binary run interleaved with this one (3 runs
//! each, minimum):
//!
//! | benchmark | `Table` | before | `HashMap` | `IndexMap` |
//! |---|---|---|---|---|
//! | look up 100k string keys (`get`) | 0.71 ms | 0.84 ms | 0.44 ms | 0.58 ms |
//! | look up 100k string keys (`get_str`) | 0.75 ms | 0.92 ms | | |
//! | insert 100k string keys (`set`) | 6.7 ms | 5.9 ms | 1.5 ms | 2.0 ms |
//! | insert 100k string keys (`set_str`) | 8.1 ms | 8.7 ms | | |
//! | append 1M integers, `t[#t+1] = v` | 14 ms | | 84 ms (insert) | 87 ms (insert) |
//! | append 1M integers, `t[i] = v` | 7.6 ms | | | |
//! | sequential reads, 1M (array part) | 1.3 ms | | 29 ms | 41 ms |
//! | random reads, 1M (array part) | 7.6 ms | | 21 ms | 51 ms |
//! | traverse 1.1M entries with `next` | 3.7 ms | | | |
//! | traverse 1.1M entries with `iter` | 0.86 ms | | 2.6 ms | 1.8 ms |
//!
//! (`Vec::push` of 1M values: 1.1 ms in the same run.) Integer keys are
//! the array part's game: no hashing at all. String lookups gained about
//! 15-20%: one node per probe instead of an index slot then an entry.
//! Inserts are within the noise of before: they include PUC's census and a
//! full reinsertion at every power of two (each key hashed again, where
//! the `IndexMap` kept its hashes), and 100k keys in 2^17 40-byte nodes do
//! not fit in the cache. Plain maps stay ahead on big tables: hashbrown
//! filters candidates by a tag byte, where a chain compares keys; small
//! tables (a few fields, the usual Lua object) stay in cache anyway.
//!
//! In luna itself (release builds of the same tree, only this crate
//! changed; workloads from `bench/workloads`, shortened for callgrind):
//! instructions fell by 10% on `hash_str.lua`, 6% on `methods.lua` and 10%
//! on `nbody.lua`. Minimum CPU time of 5 interleaved runs, as a ratio to
//! lua5.4: `methods` 1.61 -> 1.49, `nbody` 1.72 -> 1.59, `hash_str` 1.59 ->
//! 1.62 (unchanged within noise). On `hash_str`, simulated L1 data misses
//! fell from 7.50M to 5.92M (lua5.4: 5.69M) while conditional branch
//! misses rose from 0.05M to 1.20M (lua5.4: 1.29M): whether the first node
//! probed holds the key is unpredictable, which hashbrown's tag filter
//! hid; the table now behaves like PUC's, for better and worse.
//!
//! **32-byte nodes** (the key split into tag and payload, instead of 40
//! bytes with the key whole). The same divan benchmarks, fastest of 20,
//! before -> after, run back to back: insert 100k string keys 4.80 ->
//! 4.42 ms (`set_str` 4.66 -> 4.19), look up 100k string keys 0.72 ->
//! 0.72 ms (`get_str` 0.74 -> 0.72: independent lookups overlap their
//! misses, so a smaller node array barely shows), traverse with `next`
//! 3.74 -> 2.34 ms (the traversal hint now compares parts), the rest
//! unchanged. In luna, against the same tree without this change (nor
//! the 48-byte header and the in-place field store that followed;
//! callgrind, workloads shortened): instructions -9.2% on `hash_str`,
//! -11.2% on `methods`, -10.0% on `nbody`, -1.3% on `table_build`,
//! +0.6% on `array_rw`; on `hash_str`, simulated L1 data misses 4.14M ->
//! 3.47M and misses of a 1 MiB last level (this machine's L2) 2.22M ->
//! 1.75M, both now below lua5.4's (4.00M, 1.79M). Minimum CPU time of 5
//! interleaved runs, ratio to lua5.4: `methods` 1.20 -> 1.14, `nbody`
//! 1.32 -> 1.27, `hash_str` 1.25 -> 1.26 (unchanged: a 200-key version
//! that stays in L1 has the same ratio, so what is left of its gap lies
//! outside the table). Aligning nodes to 32 bytes is worth 14% of the
//! L1 misses and 12% of the L2 misses on `hash_str` (a node at a 16-byte
//! offset straddles two lines every other time).

mod border;
mod hash;
mod rehash;
pub mod simple;
mod table;

pub use table::Table;

/// What a value type must provide to be stored in a [`Table`].
///
/// Contract beyond the signatures: `key_eq`/`key_hash` are only used for
/// keys whose `as_int_key()` is `None` (and that are not nil or NaN);
/// `key_eq` must answer `false` when the other side is an integer key, and
/// values that are `key_eq` must hash alike. Floats with an integer value
/// never reach them: the table stores such keys as integers.
pub trait TableValue: Copy {
    /// The nil value (absent entries read as nil).
    const NIL: Self;
    /// Is this nil?
    fn is_nil(&self) -> bool;
    /// Integer-key view: Some(i) for an integer, or a float with an exact
    /// integer value (1.0 -> 1, 2^53 -> 9007199254740992); None otherwise.
    fn as_int_key(&self) -> Option<i64>;
    /// The value for an integer key (used when moving keys between parts and
    /// when `next` returns array-part keys).
    fn from_int_key(i: i64) -> Self;
    /// Is this a float NaN?
    fn is_nan(&self) -> bool;
    /// Raw (primitive) equality for non-integer keys: the runtime compares
    /// interned strings by pointer, tables/functions by identity, floats by
    /// value. Only asked for live keys whose tags match and whose payloads
    /// differ, and only when `key_eq_is_identity` is false.
    fn key_eq(&self, other: &Self) -> bool;
    /// Hashing for non-integer keys, consistent with `key_eq` (strings feed
    /// their cached hash).
    fn key_hash<H: std::hash::Hasher>(&self, state: &mut H);
    /// Tag byte of the parts of [`TableValue::NIL`] (`NIL.key_parts()` is
    /// `(KEY_TAG_NIL, 0)`): a node whose key has this tag is free. No other
    /// value may split with this tag.
    const KEY_TAG_NIL: u8;
    /// Tag byte of the parts of an integer key: `from_int_key(i).key_parts()`
    /// must be `(KEY_TAG_INT, i as u64)`, and no other key may have this
    /// tag, so that integer keys are recognised and compared from their
    /// parts alone.
    const KEY_TAG_INT: u8;
    /// The key split in two for storage in a hash node: a tag byte and an
    /// 8-byte payload (for luna's `Value`: the variant's index, and the
    /// integer, float bits, boolean or object address). Keys with equal
    /// parts must be `key_eq`; distinct objects must have distinct parts
    /// (the parts are the key's identity: a dead key is compared with the
    /// key being looked up by its parts only, see [`Table::retain`]).
    fn key_parts(&self) -> (u8, u64);
    /// Rebuilds a key from its parts.
    ///
    /// # Safety
    /// `(tag, bits)` must be what `key_parts` returned for a value of this
    /// type that is still valid (for luna: an object the collector has not
    /// freed). The table calls it only on the parts of nil and of live
    /// keys, never on a dead key's (whose object may be gone).
    unsafe fn from_key_parts(tag: u8, bits: u64) -> Self;
    /// True when [`TableValue::key_eq`] holds between this key and another
    /// exactly when their parts are equal (interned strings, numbers,
    /// objects compared by identity): a lookup then compares parts only,
    /// payload first. False (the default, always correct) makes a lookup
    /// also rebuild every live stored key of the same tag and ask `key_eq`
    /// (long strings, compared by content).
    #[inline]
    fn key_eq_is_identity(&self) -> bool {
        false
    }
    /// The 64-bit hash the table uses to place a non-integer key: its low
    /// bits select the key's main position, so they must be well mixed.
    /// The default runs [`TableValue::key_hash`] through FxHash (one
    /// multiply and a rotate); a value type whose keys carry a well-mixed
    /// cached hash (an interned string's) can return it directly.
    #[inline]
    fn key_hash64(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        self.key_hash(&mut h);
        h.finish()
    }
}

/// An invalid key for a store: the runtime reports "table index is nil" /
/// "table index is NaN".
#[derive(Debug, PartialEq, Eq, Clone, Copy, thiserror::Error)]
pub enum KeyError {
    /// The key was nil.
    #[error("table index is nil")]
    Nil,
    /// The key was a float NaN.
    #[error("table index is NaN")]
    NaN,
}

/// `next` was given a key that is not in the table: "invalid key to 'next'".
#[derive(Debug, PartialEq, Eq, Clone, Copy, thiserror::Error)]
#[error("invalid key to 'next'")]
pub struct InvalidNextKey;
