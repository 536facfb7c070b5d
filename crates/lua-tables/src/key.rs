//! Hash-part keys: the wrapper stored in the index map and the borrowed query types.
//!
//! The hash part is an `IndexMap<Key<V>, V>`. `Key` gives a stored value the
//! `Hash`/`Eq` the map needs, splitting on the integer-key view: integer keys
//! hash and compare as `i64` (so the table can look one up from a bare `i64`
//! without building a value), every other key uses the value type's own
//! `key_hash`/`key_eq` (cached string hashes, identity for objects). The two
//! query types let a lookup skip the integer-key test when the caller already
//! knows which kind of key it holds.

use std::hash::{Hash, Hasher};

use indexmap::Equivalent;

use crate::TableValue;

/// A key as stored in the hash part. Always normalised: a float with an
/// exact integer value is never stored, its integer is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key<V>(pub(crate) V);

impl<V: TableValue> Hash for Key<V> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.0.as_int_key() {
            Some(i) => state.write_i64(i),
            None => self.0.key_hash(state),
        }
    }
}

impl<V: TableValue> PartialEq for Key<V> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        match (self.0.as_int_key(), other.0.as_int_key()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.0.key_eq(&other.0),
            _ => false,
        }
    }
}

impl<V: TableValue> Eq for Key<V> {}

/// Lookup by integer key; hashes exactly as `Key` hashes an integer.
pub(crate) struct IntQuery(pub(crate) i64);

impl Hash for IntQuery {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_i64(self.0);
    }
}

impl<V: TableValue> Equivalent<Key<V>> for IntQuery {
    #[inline]
    fn equivalent(&self, key: &Key<V>) -> bool {
        key.0.as_int_key() == Some(self.0)
    }
}

/// Lookup by a key known not to be an integer key (nor nil/NaN).
/// Relies on `key_eq` answering false against an integer key, which the
/// trait requires.
pub(crate) struct OtherQuery<V>(pub(crate) V);

impl<V: TableValue> Hash for OtherQuery<V> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.key_hash(state);
    }
}

impl<V: TableValue> Equivalent<Key<V>> for OtherQuery<V> {
    #[inline]
    fn equivalent(&self, key: &Key<V>) -> bool {
        self.0.key_eq(&key.0)
    }
}
