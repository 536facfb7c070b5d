//! lua-tables: the Lua 5.4 table (an array part plus a hash part), generic
//! over the value type.
//!
//! **What it is.** The associative array behind every Lua table, with the
//! semantics of PUC-Rio Lua 5.4's `ltable.c`: float keys with an integer
//! value are integer keys, nil and NaN keys are errors, `len()` returns a
//! border (the same one lua5.4 returns for the same history, in the cases
//! the differential tests cover, see below), `next` traverses while fields
//! are assigned (including nil), and the array part is sized by PUC's rule.
//! It depends on no other luna crate: a value type only has to implement
//! [`TableValue`]. A ready 16-byte value type, [`simple::SimpleValue`], is
//! included for tests, benchmarks and standalone use.
//!
//! **What it is not.** Not a Lua runtime: no metatables or metamethods, no
//! strings, no garbage collector. The table does not own a metatable; the
//! runtime wraps it in its own object holding the metatable and PUC's
//! `flags` cache of absent metamethods (decided so because the collector
//! marks the metatable along with the table's contents, and both live with
//! the runtime's object header; a table crate that held `Gc` pointers
//! would need to know the runtime's heap). It does not trace anything
//! itself either: [`Table::for_each`] visits the live entries for a
//! collector's mark phase, and [`Table::retain`] clears the entries a
//! collector condemns, which is what weak tables need.
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
//! boxed slice holding the values of keys `1..=n` (nil where absent); an
//! array slot costs exactly one value (16 bytes for luna's `Value`), with
//! no key stored and no hashing on access. The **hash part** holds every
//! other key (integers outside `1..=n`, strings, floats, booleans,
//! objects) in PUC's node array: a power-of-two array of nodes, each
//! holding a key, its value and the offset of the next node of its
//! collision chain (chained scatter with Brent's variation, see `hash.rs`).
//! A lookup hashes the key, goes to its main position and follows the
//! chain; a hit in main position, the usual case, touches one node, so one
//! cache line. Integer keys hash as PUC's `hashint`; other keys through
//! [`TableValue::key_hash64`] (FxHash over `key_hash` by default; strings
//! bring their cached hash). Keys are normalised on the way in: a float
//! with an exact integer value is stored as that integer, so `t[1.0]` and
//! `t[1]` are one entry and `t[2^53]` is `t[9007199254740992]`.
//!
//! **Why PUC's node array** rather than a general-purpose hash map: the
//! key and its value sit in the same node, so a lookup that hits in main
//! position costs one cache miss where an insertion-ordered map (an index
//! table pointing into an entry array) costs two dependent ones; there is
//! no index slot or stored hash per entry, so an entry costs less memory;
//! dead keys (below) stay in their chains for free, which is what lets a
//! traversal assign nil; and with integer keys hashed as `hashint` and
//! collisions placed as `luaH_newkey` does, node positions, part sizes,
//! traversal order and borders are lua5.4's, which the differential tests
//! can then check exactly. What it gives up: a chain
//! compares keys one by one where a SIMD map filters candidates by a tag
//! byte, so on big tables probed at random a plain map stays faster, and
//! whether the first node probed holds the key is an unpredictable branch
//! (PUC has the same). Lua objects are mostly small tables, which stay in
//! cache either way.
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
//! **Memory layout, and why.** A node is 24 bytes, PUC's size: the value
//! and the key are both stored split, each into a tag byte and an 8-byte
//! payload ([`TableValue::val_parts`], [`TableValue::key_parts`]), and
//! the two tag bytes share one word with the 4-byte chain link, where PUC
//! packs the key's tag and the link into the padding of its value's tag.
//! A value type whose layout is a tag word and a payload word (luna's
//! `Value`) hands over its own two words, so storing or reading a value
//! is a byte and a word moved, no conversion. (Before: 32 bytes, the
//! value whole, aligned to 32 so that a probe read one cache line; a
//! 24-byte node straddles two lines one time in four, but a node array
//! three quarters the size misses less, docs/PERFORMANCE.md, session 6.)
//! Both parts are boxed slices allocated to their
//! exact size, so [`Table::heap_bytes`] is exact and the header has no
//! capacity words; the border hint, the free-node cursor and the traversal
//! hint are 32-bit, as PUC's `unsigned int`s (a rehash bounds the array
//! part at 2^31 slots, and 2^32 nodes would be 96 GiB). Every Lua table
//! carries this header inside the runtime's table object, so it is kept
//! small: 48 bytes, the two slices and the three counters (a test pins
//! it).
//!
//! **Invariants** (checked by the property tests after every operation):
//! the array holds exactly the keys `1..=array_len()`; no hash key is an
//! integer in that range; no hash key is a float with an integer value,
//! nil or NaN; the node array has 0 or a power-of-two nodes and is
//! reallocated only by a resize; every live key is reachable from its main
//! position, every chain link stays inside the array and leads to a used
//! node, no node has two predecessors, and every node at or above the free
//! cursor is used; the border hint is the array size or, for a
//! power-of-two array, a value in its upper half.
//!
//! **Differences from lua5.4.** Keys other than integers hash differently
//! (lua5.4 seeds its string hash per state, so its own order for string
//! keys changes from run to run; floats, booleans and objects use
//! `key_hash64` here), so for tables holding such keys in the hash part
//! `pairs` visits the hash part in another order than lua5.4, and since
//! node positions decide when a dead key is reused instead of a rehash,
//! the part sizes after nil stores, and then which border `#t` picks among
//! several, can differ (the answer is always a border). With integer keys
//! only, positions, sizes, order and borders are lua5.4's.
//!
//! `len()` returns `u64` (PUC's `lua_Unsigned`); it never exceeds
//! `i64::MAX`. `is_empty()` means "no live entry", which is not `len() ==
//! 0` (`{[2] = x}` has border 0). The table is `Send` and `Sync` when the
//! value type is: the border hint and the traversal hint are relaxed
//! atomics. The crate's `unsafe` operations are the call of
//! [`TableValue::from_key_parts`] that rebuilds a stored key (`Node::key`
//! in `hash.rs`), on parts that came from `key_parts` of a live key, and
//! the call of [`TableValue::from_val_parts`] that rebuilds a stored value
//! (`Node::val`), on parts that came from `val_parts` of a value the table
//! holds.
//!
//! Measured memory and speed (against lua5.4 and plain hash maps), how to
//! reproduce them (`cargo test -p lua-tables --release --test memory --
//! --nocapture`, `cargo bench -p lua-tables`), and the designs tried
//! before this one are in the repository's `docs/PERFORMANCE.md`.

// Every narrowing `as` is either fixed or states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

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
    /// The value split in two for storage in a hash node: a tag byte and
    /// an 8-byte payload that may hold padding (uninitialised bytes). The
    /// tag is [`TableValue::KEY_TAG_NIL`] exactly for nil: a node's value
    /// is nil, so its key dead or free, when its tag says so. The default
    /// is [`TableValue::key_parts`]. A value type whose layout is a tag
    /// word and a payload word (luna's `Value`) returns its own two words
    /// here, so storing and reading a value costs no conversion. Override
    /// this and [`TableValue::from_val_parts`] together or not at all.
    #[inline(always)]
    fn val_parts(&self) -> (u8, std::mem::MaybeUninit<u64>) {
        let (tag, bits) = self.key_parts();
        (tag, std::mem::MaybeUninit::new(bits))
    }
    /// Rebuilds a value from [`TableValue::val_parts`].
    ///
    /// # Safety
    /// `(tag, bits)` must be what `val_parts` returned for a value of this
    /// type that is still valid (for luna: an object the collector has not
    /// freed). The table calls it only on the parts of the values it holds
    /// (which the collector keeps alive) and of nil.
    #[inline(always)]
    unsafe fn from_val_parts(tag: u8, bits: std::mem::MaybeUninit<u64>) -> Self {
        // SAFETY: the default `val_parts` stores `key_parts` whole, so the
        // payload is initialised and the parts are a valid value's (the
        // caller's contract), which is `from_key_parts`'s condition.
        unsafe { Self::from_key_parts(tag, bits.assume_init()) }
    }
    /// Reads a value from the array part. The default copies it; a value
    /// type that its users write word by word (luna's `Value`) reads it
    /// word by word too, since a whole-value load of a slot just written
    /// in two halves waits for both stores to reach the cache.
    #[inline(always)]
    fn load(slot: &Self) -> Self {
        *slot
    }
    /// Writes a value into the array part, the counterpart of
    /// [`TableValue::load`]: luna's `Value` writes its two words apart,
    /// so that a later read of either word is served from the store.
    #[inline(always)]
    fn store(slot: &mut Self, v: Self) {
        *slot = v;
    }
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
