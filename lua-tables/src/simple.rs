//! A small ready-made value type, for tests, benchmarks, examples and for
//! users who want a Lua-like table without a Lua runtime.

use std::hash::Hasher;

use crate::TableValue;

/// An interned-string stand-in: an id plus its cached hash, as a runtime's
/// interned string would carry. Equality is by id (pointer equality for
/// interned strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym {
    id: u32,
    hash: u32,
}

impl Sym {
    /// The symbol with this id; its hash is computed once, here.
    pub fn new(id: u32) -> Self {
        // murmur3's finaliser: consecutive ids get unrelated hashes, as
        // real string hashes would, so tests and benchmarks meet the
        // collisions real keys cause. A bare multiplicative hash of the id
        // leaves a regular lattice that FxHasher's single multiply does
        // not break up.
        let mut h = id;
        h ^= h >> 16;
        h = h.wrapping_mul(0x85eb_ca6b);
        h ^= h >> 13;
        h = h.wrapping_mul(0xc2b2_ae35);
        h ^= h >> 16;
        let hash = h;
        Self { id, hash }
    }

    /// The id this symbol was made from.
    pub fn id(self) -> u32 {
        self.id
    }
}

/// A 16-byte Lua-like value: the same size as luna's runtime `Value`, so
/// memory measured with it carries over to luna.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SimpleValue {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Sym),
}

/// Float to integer when the conversion is exact (Lua's `F2Ieq`).
pub fn float_to_int(f: f64) -> Option<i64> {
    // -2^63 is exact; 2^63 is the first float above i64::MAX.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) && f.fract() == 0.0
    {
        #[allow(clippy::cast_possible_truncation)] // Exact: integral and in range (checked).
        Some(f as i64)
    } else {
        None
    }
}

impl TableValue for SimpleValue {
    const NIL: Self = SimpleValue::Nil;
    const KEY_TAG_NIL: u8 = 0;
    const KEY_TAG_INT: u8 = 2;

    /// Tags in declaration order; a symbol's payload is its id and its
    /// hash side by side, so the parts rebuild it without a lookup.
    #[inline]
    fn key_parts(&self) -> (u8, u64) {
        match *self {
            SimpleValue::Nil => (0, 0),
            SimpleValue::Bool(b) => (1, b as u64),
            SimpleValue::Int(i) => (2, i as u64),
            SimpleValue::Float(f) => (3, f.to_bits()),
            // Hash in the low half, id in the high half: the reverse of
            // `Sym`'s memory layout. In the layout's order LLVM merges the
            // two fields into one 8-byte reload of a stack copy written as
            // two 4-byte stores, a load the store buffer cannot forward:
            // a stall on every lookup.
            SimpleValue::Str(s) => (4, u64::from(s.hash) | u64::from(s.id) << 32),
        }
    }

    /// Every tag and payload makes a valid value here: no safety condition
    /// is actually needed (an unknown tag gives nil).
    #[inline]
    unsafe fn from_key_parts(tag: u8, bits: u64) -> Self {
        match tag {
            1 => SimpleValue::Bool(bits != 0),
            2 => SimpleValue::Int(bits as i64),
            3 => SimpleValue::Float(f64::from_bits(bits)),
            4 => {
                // The two halves `key_parts` packed (truncation intended).
                #[allow(clippy::cast_possible_truncation)]
                let (id, hash) = ((bits >> 32) as u32, bits as u32);
                SimpleValue::Str(Sym { id, hash })
            }
            _ => SimpleValue::Nil,
        }
    }

    /// Symbols are equal by id, which determines their hash; booleans and
    /// floats are stored normalised (no -0.0 or NaN key reaches a node).
    #[inline]
    fn key_eq_is_identity(&self) -> bool {
        true
    }

    #[inline]
    fn is_nil(&self) -> bool {
        matches!(self, SimpleValue::Nil)
    }

    #[inline]
    fn as_int_key(&self) -> Option<i64> {
        match *self {
            SimpleValue::Int(i) => Some(i),
            SimpleValue::Float(f) => float_to_int(f),
            _ => None,
        }
    }

    #[inline]
    fn from_int_key(i: i64) -> Self {
        SimpleValue::Int(i)
    }

    #[inline]
    fn is_nan(&self) -> bool {
        matches!(self, SimpleValue::Float(f) if f.is_nan())
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SimpleValue::Str(a), SimpleValue::Str(b)) => a.id == b.id,
            (SimpleValue::Bool(a), SimpleValue::Bool(b)) => a == b,
            (SimpleValue::Float(a), SimpleValue::Float(b)) => a == b,
            (SimpleValue::Int(a), SimpleValue::Int(b)) => a == b,
            _ => false,
        }
    }

    #[inline]
    fn key_hash<H: Hasher>(&self, state: &mut H) {
        match *self {
            SimpleValue::Str(s) => state.write_u32(s.hash),
            SimpleValue::Bool(b) => state.write_u8(b as u8),
            SimpleValue::Float(f) => state.write_u64(f.to_bits()),
            SimpleValue::Int(i) => state.write_i64(i),
            SimpleValue::Nil => state.write_u8(0xff),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<SimpleValue>(), 16);
    }

    #[test]
    fn float_keys_normalise() {
        assert_eq!(SimpleValue::Float(1.0).as_int_key(), Some(1));
        assert_eq!(SimpleValue::Float(-0.0).as_int_key(), Some(0));
        assert_eq!(
            SimpleValue::Float(2f64.powi(53)).as_int_key(),
            Some(1 << 53)
        );
        assert_eq!(
            SimpleValue::Float(-(2f64.powi(63))).as_int_key(),
            Some(i64::MIN)
        );
        assert_eq!(SimpleValue::Float(2f64.powi(63)).as_int_key(), None);
        assert_eq!(SimpleValue::Float(1.5).as_int_key(), None);
        assert_eq!(SimpleValue::Float(f64::INFINITY).as_int_key(), None);
        assert_eq!(SimpleValue::Float(f64::NAN).as_int_key(), None);
    }
}
