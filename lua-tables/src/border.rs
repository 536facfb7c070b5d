//! `#t`: finding a border, the way `luaH_getn` does.
//!
//! A border is any `n >= 0` with (`n == 0` or `t[n]` non-nil) and
//! `t[n+1]` nil. A table with holes has several; the manual allows any.
//! To give the same answer as lua5.4 for common patterns with holes, this
//! module is a transcription of `luaH_getn` (5.4.4), including its use of
//! the `limit` hint (PUC's `alimit`):
//!
//! 1. If `t[limit]` is nil, a border lies below it. The common case after
//!    `t[#t] = nil` is that `t[limit-1]` is present: answer `limit-1`.
//!    Otherwise binary-search `[0, limit]`. Either answer may become the
//!    new hint when the array size is a power of two (so the real size can
//!    be recovered, which is why PUC only does it then) and the answer is
//!    in the upper half.
//! 2. Else, if the hint is below the array size, try `limit+1` (nil means
//!    `limit` is the border: the O(1) case of a table being filled in
//!    order), then the last array slot: if it is nil, binary-search between
//!    the hint and the end, and remember the answer.
//! 3. Else the array is full (or empty): if `t[n+1]` is absent from the
//!    hash part, `n` is the border; otherwise double `j` through the hash
//!    part until `t[j]` is absent and binary-search (`hash_search`).
//!
//! Cost: O(1) for a table filled in order (append, or `t[#t] = nil` pops),
//! O(log n) at worst.

use crate::TableValue;
use crate::table::{Table, within_len};

impl<V: TableValue> Table<V> {
    /// A border of the table (`#t` without `__len`): for a proper sequence
    /// its length; for a table with holes the border lua5.4 gives for the
    /// same history, as far as the same part sizes allow. Returned as `u64`
    /// (PUC's `lua_Unsigned`); it never exceeds `i64::MAX`.
    pub fn len(&self) -> u64 {
        let array = &self.array;
        let asize = array.len();
        let mut limit = self.hint();
        let pow2 = asize.is_power_of_two();
        if limit > 0 && array[limit - 1].is_nil() {
            // (1) a border lies before `limit`
            if limit >= 2 && !array[limit - 2].is_nil() {
                if pow2 && !(limit - 1).is_power_of_two() {
                    self.set_hint(limit - 1);
                }
                return (limit - 1) as u64;
            }
            let border = bin_search(array, 0, limit);
            if pow2 && border > asize / 2 {
                self.set_hint(border);
            }
            return border as u64;
        }
        if limit != asize {
            // (2) `limit` is present and the array goes on after it
            if array[limit].is_nil() {
                return limit as u64;
            }
            limit = asize;
            if array[limit - 1].is_nil() {
                let border = bin_search(array, self.hint(), limit);
                self.set_hint(border);
                return border as u64;
            }
            self.set_hint(limit);
        }
        // (3) `limit` is the array size, and 0 or present
        if self.hash_get_int(limit as i64 + 1).is_nil() {
            limit as u64
        } else {
            self.hash_search(limit as u64)
        }
    }

    /// Integer lookup in the hash part only (keys past the array part).
    #[inline]
    fn hash_get_int(&self, key: i64) -> V {
        self.hash.get_int(key)
    }

    /// Integer lookup that leaves the border hint alone.
    fn raw_get_int(&self, key: u64) -> V {
        if key >= 1 && key <= self.array.len() as u64 {
            self.array[within_len(key, self.array.len()) - 1]
        } else {
            self.hash_get_int(key as i64)
        }
    }

    /// Unbounded search for a border past the array part: `j` is 0 or
    /// present and `j+1` is present (PUC's `hash_search`).
    fn hash_search(&self, mut j: u64) -> u64 {
        const MAX: u64 = i64::MAX as u64;
        let mut i;
        if j == 0 {
            j = 1;
        }
        loop {
            i = j;
            if j <= MAX / 2 {
                j *= 2;
            } else {
                j = MAX;
                if self.raw_get_int(j).is_nil() {
                    break;
                }
                return j;
            }
            if self.raw_get_int(j).is_nil() {
                break;
            }
        }
        // t[i] present, t[j] absent, i < j
        while j - i > 1 {
            let m = i + (j - i) / 2;
            if self.raw_get_int(m).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i
    }
}

/// Binary search for a border in `array[i..j]` (1-based `i` present or 0,
/// `j` absent), as PUC's `binsearch`.
fn bin_search<V: TableValue>(array: &[V], mut i: usize, mut j: usize) -> usize {
    while j - i > 1 {
        let m = i + (j - i) / 2;
        if array[m - 1].is_nil() {
            j = m;
        } else {
            i = m;
        }
    }
    i
}
