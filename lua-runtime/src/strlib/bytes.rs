//! The small byte-string helpers of the string library: `rep` with its size
//! limit, C-locale case mapping, `reverse`, the `sub`/`byte` position rules
//! and `char`'s range check.

/// `MAXSIZE` in lstrlib.c: results are limited to C's `INT_MAX` bytes.
pub const MAXSIZE: usize = i32::MAX as usize;

/// Why `rep` produced no string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepError {
    /// The result would exceed `MAXSIZE`: "resulting string too large".
    TooLarge,
    /// The allocation failed: lua5.4's "not enough memory".
    NoMemory,
}

impl RepError {
    /// The error message as lua5.4 words it.
    pub fn message(self) -> &'static str {
        match self {
            RepError::TooLarge => "resulting string too large",
            RepError::NoMemory => "not enough memory",
        }
    }
}

/// `string.rep(s, n, sep)`: `n` copies of `s` separated by `sep`.
/// The size is checked before anything is allocated, and the allocation
/// itself is fallible, so a huge request is an error value, never an abort.
/// (An empty `s` and `sep` give `""` at once; lua5.4 would spin `n` times.)
pub fn rep(s: &[u8], n: i64, sep: &[u8]) -> Result<Vec<u8>, RepError> {
    if n <= 0 || (s.is_empty() && sep.is_empty()) {
        return Ok(Vec::new());
    }
    let unit = s.len().checked_add(sep.len()).ok_or(RepError::TooLarge)?;
    if unit > MAXSIZE / n as usize {
        return Err(RepError::TooLarge);
    }
    let n = n as usize;
    let total = n * s.len() + (n - 1) * sep.len();
    let mut out = Vec::new();
    out.try_reserve_exact(total)
        .map_err(|_| RepError::NoMemory)?;
    for i in 0..n {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(s);
    }
    Ok(out)
}

/// `string.lower` in the C locale: only ASCII letters change.
pub fn lower(s: &[u8]) -> Vec<u8> {
    s.to_ascii_lowercase()
}

/// `string.upper` in the C locale.
pub fn upper(s: &[u8]) -> Vec<u8> {
    s.to_ascii_uppercase()
}

/// `string.reverse`: the bytes in reverse order.
pub fn reverse(s: &[u8]) -> Vec<u8> {
    s.iter().rev().copied().collect()
}

/// lstrlib's `posrelatI`: a start position, negative counting from the end,
/// clipped to `[1, inf)`.
pub fn start_pos(pos: i64, len: usize) -> usize {
    super::pattern::posrelat_start(pos, len)
}

/// lstrlib's `getendpos`: an end position, negative counting from the end,
/// clipped to `[0, len]`.
pub fn end_pos(pos: i64, len: usize) -> usize {
    if pos > len as i64 {
        len
    } else if pos >= 0 {
        pos as usize
    } else if pos < -(len as i64) {
        0
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// The byte range `string.sub(s, i, j)` returns (`j` defaults to -1).
pub fn sub_range(len: usize, i: i64, j: i64) -> std::ops::Range<usize> {
    let start = start_pos(i, len);
    let end = end_pos(j, len);
    if start <= end { start - 1..end } else { 0..0 }
}

/// The byte range whose values `string.byte(s, i, j)` returns (`i`
/// defaults to 1, `j` to `i`); empty when there is nothing to return.
pub fn byte_range(len: usize, i: i64, j: i64) -> std::ops::Range<usize> {
    sub_range(len, i, j)
}

/// `string.char`'s check: the byte for `n`, or `None` for "value out of
/// range".
pub fn char_byte(n: i64) -> Option<u8> {
    u8::try_from(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(s: &str, i: i64, j: i64) -> &str {
        &s[sub_range(s.len(), i, j)]
    }

    #[test]
    fn sub_and_byte_positions_as_lua() {
        // print(("abc"):sub(2), ... ) in lua5.4: bc bc abc bc a <empty> abc
        assert_eq!(sub("abc", 2, -1), "bc");
        assert_eq!(sub("abc", -2, -1), "bc");
        assert_eq!(sub("abc", 0, -1), "abc");
        assert_eq!(sub("abc", 2, 100), "bc");
        assert_eq!(sub("abc", -100, 1), "a");
        assert_eq!(sub("abc", 3, 2), "");
        assert_eq!(sub("abc", i64::MIN, i64::MAX), "abc");
        assert_eq!(sub("", 1, -1), "");
        // ("abc"):byte() 97, byte(-1) 99, byte(1,-1) 97 98 99, byte(10) and
        // byte(0) nothing.
        assert_eq!(byte_range(3, 1, 1), 0..1);
        assert_eq!(byte_range(3, -1, -1), 2..3);
        assert_eq!(byte_range(3, 1, -1), 0..3);
        assert!(byte_range(3, 10, 10).is_empty());
        assert!(byte_range(3, 0, 0).is_empty());
    }

    #[test]
    fn rep_as_lua() {
        assert_eq!(rep(b"x", 3, b","), Ok(b"x,x,x".to_vec()));
        assert_eq!(rep(b"x", 0, b""), Ok(vec![]));
        assert_eq!(rep(b"x", -1, b""), Ok(vec![]));
        assert_eq!(rep(b"ab", 1, b"sep"), Ok(b"ab".to_vec()));
        assert_eq!(rep(b"x", i64::MAX, b""), Err(RepError::TooLarge));
        assert_eq!(rep(b"", 1 << 31, b"a"), Err(RepError::TooLarge));
        assert_eq!(rep(b"x", 1 << 31, b""), Err(RepError::TooLarge));
        assert_eq!(rep(b"xx", 1 << 62, b""), Err(RepError::TooLarge));
        assert_eq!(rep(b"", i64::MAX, b""), Ok(vec![]));
        assert_eq!(RepError::TooLarge.message(), "resulting string too large");
    }

    #[test]
    fn case_and_reverse_are_c_locale() {
        assert_eq!(lower(b"HeLLo \xC9!"), b"hello \xC9!");
        assert_eq!(upper(b"hello \xe9!"), b"HELLO \xe9!");
        assert_eq!(reverse(b"abc\0d"), b"d\0cba");
        assert_eq!(char_byte(255), Some(255));
        assert_eq!(char_byte(256), None);
        assert_eq!(char_byte(-1), None);
    }
}
