//! Lua strings: immutable byte strings with a cached hash.
//!
//! Strings of at most [`MAX_SHORT_STR`](crate::gc::MAX_SHORT_STR) bytes are
//! interned by the heap, so two short strings are equal exactly when they are
//! the same object; long strings are compared by hash, then bytes. The hash
//! is computed once at creation (FxHash over the bytes), which the table's
//! hash part reuses.

use std::hash::Hasher;

use rustc_hash::FxHasher;

use crate::gc::{GcObject, Kind, Tracer};

/// An immutable Lua string.
pub struct LuaStr {
    hash: u64,
    bytes: Box<[u8]>,
}

impl LuaStr {
    pub(crate) fn new(bytes: &[u8]) -> LuaStr {
        LuaStr {
            hash: hash_bytes(bytes),
            bytes: bytes.into(),
        }
    }

    /// The string of `bytes`, taking the buffer instead of copying it when
    /// it is exactly full: a long string built to its size (`string.rep`,
    /// `..` of strings) never exists twice.
    pub(crate) fn from_vec(bytes: Vec<u8>) -> LuaStr {
        if bytes.capacity() != bytes.len() {
            // Shrinking the buffer in place is a reallocation that may copy
            // anyway (to a smaller size class): copy once, exactly.
            return LuaStr::new(&bytes);
        }
        LuaStr {
            hash: hash_bytes(&bytes),
            bytes: bytes.into_boxed_slice(),
        }
    }
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    #[inline]
    pub fn hash(&self) -> u64 {
        self.hash
    }
    /// Lossy UTF-8 view for messages.
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// The string hash (also used for the intern set's bucket choice).
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(b);
    h.write_usize(b.len());
    h.finish()
}

impl GcObject for LuaStr {
    const KIND: Kind = Kind::Str;
    fn trace(&self, _t: &mut Tracer) {}
    /// The bytes' allocation, rounded to the allocator's 8-byte grain.
    fn extra_bytes(&self) -> usize {
        self.bytes.len().next_multiple_of(8)
    }
}
