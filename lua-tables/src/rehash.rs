//! Sizing the two parts: PUC-Rio's `computesizes`/`numusearray` census.
//!
//! A rehash happens only when a *new* key must go to the hash part and the
//! hash part has no free slot (it holds `hash_limit` entries, live or dead).
//! It is the one moment the table reconsiders how it splits its keys:
//!
//! 1. Count every live integer key `k` in `1..=MAX_ARRAY` by power-of-two
//!    slice: `nums[i]` is the number of keys in `(2^(i-1), 2^i]` (`nums[0]`
//!    counts key 1). Keys in the array part are counted slice by slice
//!    (`count_array`), keys in the hash part one by one (`count_int`), and the
//!    key being inserted counts too.
//! 2. The array size is the largest power of two `n` such that more than
//!    `n/2` of the slots `1..=n` would be in use (`compute_sizes`). Walking
//!    the slices in order, the running sum `a` of `nums` is the number of
//!    keys `<= 2^i`, so the test is `a > 2^i / 2`. The loop stops as soon as
//!    even all integer keys together could not fill half of `2^i`.
//! 3. The hash part gets room for every other live key plus the new one,
//!    rounded up to a power of two.
//!
//! The rule makes appends (`t[#t+1] = v`) amortised O(1): each rehash at
//! least doubles the array, and a census costs O(array + hash). It also
//! keeps a sparse table from growing a huge, mostly-empty array: a single
//! key `t[1000000]` stays in the hash part.

/// Largest `b` such that the array part may hold `2^b` slots (PUC's
/// `MAXABITS` for a 32-bit `int`).
pub(crate) const MAX_ABITS: usize = 31;

/// Largest array-part size (PUC's `MAXASIZE`).
pub(crate) const MAX_ARRAY: u64 = 1 << MAX_ABITS;

/// Per-slice counts of integer keys, as `nums[]` in ltable.c.
pub(crate) type Census = [usize; MAX_ABITS + 1];

/// `ceil(log2(x))` for `x >= 1`.
#[inline]
pub(crate) fn ceil_log2(x: u64) -> usize {
    debug_assert!(x >= 1);
    (u64::BITS - (x - 1).leading_zeros()) as usize
}

/// Counts `key` in `nums` if it could live in the array part; returns 1 if
/// it was counted (PUC's `countint`).
#[inline]
pub(crate) fn count_int(key: i64, nums: &mut Census) -> usize {
    let k = key as u64;
    if k.wrapping_sub(1) < MAX_ARRAY {
        nums[ceil_log2(k)] += 1;
        1
    } else {
        0
    }
}

/// Counts the non-nil slots of an array part slice by slice (PUC's
/// `numusearray`); returns the total.
pub(crate) fn count_array<V>(array: &[V], is_nil: impl Fn(&V) -> bool, nums: &mut Census) -> usize {
    let mut total = 0;
    let mut start = 0usize; // 0-based index of the first slot of the slice
    for (lg, slot) in nums.iter_mut().enumerate() {
        let end = (1usize << lg).min(array.len());
        if start >= end {
            break;
        }
        let used = array[start..end].iter().filter(|v| !is_nil(v)).count();
        *slot += used;
        total += used;
        start = end;
    }
    total
}

/// Given the census and the number `na` of integer keys that could go to
/// the array part, returns `(optimal array size, keys that go there)`
/// (PUC's `computesizes`).
pub(crate) fn compute_sizes(nums: &Census, na: usize) -> (usize, usize) {
    let mut a = 0usize; // keys <= 2^i
    let mut to_array = 0usize;
    let mut optimal = 0usize;
    let mut i = 0usize;
    while i <= MAX_ABITS && na > (1usize << i) / 2 {
        let twotoi = 1usize << i;
        a += nums[i];
        if a > twotoi / 2 {
            optimal = twotoi;
            to_array = a;
        }
        i += 1;
    }
    debug_assert!((optimal == 0 || optimal / 2 < to_array) && to_array <= optimal);
    (optimal, to_array)
}

/// Number of hash slots PUC allocates for `n` keys: 0, or the next power of two.
#[inline]
pub(crate) fn hash_slots(n: usize) -> usize {
    if n == 0 { 0 } else { n.next_power_of_two() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_log2_matches_definition() {
        for x in 1u64..5000 {
            let expect = (0..64).find(|&b| (1u64 << b) >= x).unwrap();
            assert_eq!(ceil_log2(x), expect, "x = {x}");
        }
        assert_eq!(ceil_log2(1 << 31), 31);
        assert_eq!(ceil_log2((1 << 31) + 1), 32);
    }

    #[test]
    fn count_int_rejects_non_array_keys() {
        let mut nums = [0; MAX_ABITS + 1];
        assert_eq!(count_int(0, &mut nums), 0);
        assert_eq!(count_int(-5, &mut nums), 0);
        assert_eq!(count_int(1 << 31, &mut nums), 1);
        assert_eq!(count_int((1 << 31) + 1, &mut nums), 0);
        assert_eq!(count_int(i64::MIN, &mut nums), 0);
        assert_eq!(nums[31], 1);
        assert_eq!(nums.iter().sum::<usize>(), 1);
    }

    #[test]
    fn count_array_slices() {
        // slots 1..=7 with 2, 3, 6 empty
        let arr = [true, false, false, true, true, false, true];
        let mut nums = [0; MAX_ABITS + 1];
        let total = count_array(&arr, |v| !*v, &mut nums);
        assert_eq!(total, 4);
        // slices: {1}, {2}, {3,4}, {5..8}
        assert_eq!(&nums[..4], &[1, 0, 1, 2]);
    }

    #[test]
    fn compute_sizes_more_than_half() {
        let mut nums = [0; MAX_ABITS + 1];
        // keys 1, 2, 3, 4, 5 -> array of 8 (5 > 4)
        for k in 1..=5 {
            count_int(k, &mut nums);
        }
        assert_eq!(compute_sizes(&nums, 5), (8, 5));
        // keys 1, 2 and 100: array 2, 100 stays in the hash
        let mut nums = [0; MAX_ABITS + 1];
        for k in [1, 2, 100] {
            count_int(k, &mut nums);
        }
        assert_eq!(compute_sizes(&nums, 3), (2, 2));
        // a lone big key does not make an array
        let mut nums = [0; MAX_ABITS + 1];
        count_int(1000, &mut nums);
        assert_eq!(compute_sizes(&nums, 1), (0, 0));
        // exactly half is not enough: keys 1, 2 of 4 -> 2; keys 3, 4 -> 4? (2 of 4 is not > 2)
        let mut nums = [0; MAX_ABITS + 1];
        for k in [3, 4] {
            count_int(k, &mut nums);
        }
        assert_eq!(compute_sizes(&nums, 2), (0, 0));
    }
}
