//! lua-tables: the Lua 5.4 table (array part + hash part), generic over the
//! value type.
//!
//! FIGURES_PLACEHOLDER

mod border;
mod key;
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
    /// value.
    fn key_eq(&self, other: &Self) -> bool;
    /// Hashing for non-integer keys, consistent with `key_eq` (strings feed
    /// their cached hash).
    fn key_hash<H: std::hash::Hasher>(&self, state: &mut H);
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
