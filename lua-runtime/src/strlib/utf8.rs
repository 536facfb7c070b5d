//! UTF-8 as Lua 5.4's `utf8` library sees it: sequences of up to six bytes
//! encoding values up to 2^31 - 1 (the "lax" rules), with the strict rules
//! (at most U+10FFFF, no surrogates) on top, and the position logic of
//! `utf8.len`, `codepoint`, `offset` and `codes` over byte slices.

/// Largest code point of the strict rules.
pub const MAXUNICODE: u32 = 0x10FFFF;
/// Largest value the lax rules encode.
pub const MAXUTF: u32 = 0x7FFF_FFFF;
/// `utf8.charpattern`.
pub const CHARPATTERN: &[u8] = b"[\0-\x7F\xC2-\xFD][\x80-\xBF]*";
/// The error of a bad sequence.
pub const MSG_INVALID: &str = "invalid UTF-8 code";

/// Is `b` a continuation byte (`10xxxxxx`)?
pub fn is_cont(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Decodes the sequence at `s[at..]` (lutf8lib's `utf8_decode`): its value
/// and byte length, or `None` for an invalid sequence (bad continuation,
/// overlong form, too large, and with `strict` a surrogate or a value above
/// U+10FFFF). Bytes past the end read as the terminating NUL, as in C.
pub fn decode(s: &[u8], at: usize, strict: bool) -> Option<(u32, usize)> {
    const LIMITS: [u32; 6] = [!0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000];
    let byte = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut c = byte(at) as u32;
    let mut res: u32;
    let mut count = 0usize;
    if c < 0x80 {
        res = c;
    } else {
        res = 0;
        while c & 0x40 != 0 {
            count += 1;
            let cc = byte(at + count);
            if !is_cont(cc) {
                return None;
            }
            if count > 5 {
                return None;
            }
            res = (res << 6) | (cc & 0x3F) as u32;
            c <<= 1;
        }
        res |= (c & 0x7F) << (count * 5);
        if count > 5 || res > MAXUTF || res < LIMITS[count] {
            return None;
        }
    }
    if strict && (res > MAXUNICODE || (0xD800..=0xDFFF).contains(&res)) {
        return None;
    }
    Some((res, count + 1))
}

/// Encodes `x` (at most [`MAXUTF`]) as lua5.4's `luaO_utf8esc` does.
pub fn encode(x: u32, out: &mut Vec<u8>) {
    if x < 0x80 {
        out.push(x as u8);
        return;
    }
    let mut buf = [0u8; 8];
    let mut n = 0;
    let mut x = x;
    let mut mfb = 0x3fu32; // largest value that fits in the first byte
    loop {
        buf[7 - n] = 0x80 | (x & 0x3f) as u8;
        n += 1;
        x >>= 6;
        mfb >>= 1;
        if x <= mfb {
            break;
        }
    }
    buf[7 - n] = ((!mfb << 1) | x) as u8;
    out.extend_from_slice(&buf[7 - n..]);
}

/// An argument error of the utf8 library: argument number and reason.
pub type ArgError = (usize, &'static str);

/// lutf8lib's `u_posrelat`: negative positions count from the end, and a
/// position before the start becomes 0.
fn posrelat(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        len as i64 + pos + 1
    }
}

/// `utf8.char`'s check: `Err` is "value out of range".
pub fn char_code(n: i64) -> Result<u32, &'static str> {
    if (n as u64) <= MAXUTF as u64 {
        Ok(n as u32)
    } else {
        Err("value out of range")
    }
}

/// `utf8.len(s, i, j, lax)`: `Ok(Ok(n))` is the count, `Ok(Err(p))` the
/// fail result with the 1-based position of the first bad sequence.
pub fn len(s: &[u8], i: i64, j: i64, lax: bool) -> Result<Result<i64, i64>, ArgError> {
    let l = s.len() as i64;
    let mut posi = posrelat(i, s.len());
    let posj = posrelat(j, s.len());
    if !(1 <= posi && posi - 1 <= l) {
        return Err((2, "initial position out of bounds"));
    }
    posi -= 1;
    let posj = posj - 1;
    if posj >= l {
        return Err((3, "final position out of bounds"));
    }
    let mut n = 0;
    while posi <= posj {
        match decode(s, posi as usize, !lax) {
            None => return Ok(Err(posi + 1)),
            Some((_, k)) => posi += k as i64,
        }
        n += 1;
    }
    Ok(Ok(n))
}

/// Why `codepoint` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodepointError {
    /// An argument error.
    Arg(ArgError),
    /// A plain error ("invalid UTF-8 code", "string slice too long").
    Message(&'static str),
}

/// `utf8.codepoint(s, i, j, lax)` with `i` defaulting to 1 and `j` to `i`.
pub fn codepoints(s: &[u8], i: i64, j: i64, lax: bool) -> Result<Vec<i64>, CodepointError> {
    let posi = posrelat(i, s.len());
    let pose = posrelat(j, s.len());
    if posi < 1 {
        return Err(CodepointError::Arg((2, "out of bounds")));
    }
    if pose > s.len() as i64 {
        return Err(CodepointError::Arg((3, "out of bounds")));
    }
    if posi > pose {
        return Ok(Vec::new());
    }
    if pose - posi >= i32::MAX as i64 {
        return Err(CodepointError::Message("string slice too long"));
    }
    let mut out = Vec::new();
    let mut p = (posi - 1) as usize;
    while p < pose as usize {
        match decode(s, p, !lax) {
            None => return Err(CodepointError::Message(MSG_INVALID)),
            Some((c, k)) => {
                out.push(c as i64);
                p += k;
            }
        }
    }
    Ok(out)
}

/// Why `offset` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetError {
    /// "bad argument #3 ... (position out of bounds)".
    Arg(ArgError),
    /// "initial position is a continuation byte".
    Message(&'static str),
}

/// `utf8.offset(s, n, i)` (lua5.4.4: one result). `i` is `None` when not
/// given. `Ok(None)` is the fail result.
pub fn offset(s: &[u8], n: i64, i: Option<i64>) -> Result<Option<i64>, OffsetError> {
    let len = s.len() as i64;
    let cont = |p: i64| is_cont(s.get(p as usize).copied().unwrap_or(0));
    let default = if n >= 0 { 1 } else { len + 1 };
    let mut posi = posrelat(i.unwrap_or(default), s.len());
    if !(1 <= posi && posi - 1 <= len) {
        return Err(OffsetError::Arg((3, "position out of bounds")));
    }
    posi -= 1;
    let mut n = n;
    if n == 0 {
        while posi > 0 && cont(posi) {
            posi -= 1;
        }
    } else {
        if cont(posi) {
            return Err(OffsetError::Message(
                "initial position is a continuation byte",
            ));
        }
        if n < 0 {
            while n < 0 && posi > 0 {
                loop {
                    posi -= 1;
                    if !(posi > 0 && cont(posi)) {
                        break;
                    }
                }
                n += 1;
            }
        } else {
            n -= 1;
            while n > 0 && posi < len {
                loop {
                    posi += 1;
                    if !cont(posi) {
                        break;
                    }
                }
                n -= 1;
            }
        }
    }
    Ok((n == 0).then_some(posi + 1))
}

/// One step of the `utf8.codes` iterator (lua5.4.4's `iter_aux`): from the
/// control value (the previous 1-based position, 0 at the start) to the
/// next `(position, code)`, `None` at the end. Continuation bytes between
/// characters are skipped, as lua5.4.4 does.
pub fn codes_step(
    s: &[u8],
    control: i64,
    strict: bool,
) -> Result<Option<(i64, i64)>, &'static str> {
    let len = s.len() as u64;
    let mut n = control as u64;
    if n < len {
        while n < len && is_cont(s[n as usize]) {
            n += 1;
        }
    }
    if n >= len {
        return Ok(None);
    }
    match decode(s, n as usize, strict) {
        // 5.4.6: a continuation byte right after a character is an error
        // too (5.4.4 skipped it silently).
        Some((code, size)) if !s.get(n as usize + size).is_some_and(|&b| is_cont(b)) => {
            Ok(Some((n as i64 + 1, code as i64)))
        }
        _ => Err(MSG_INVALID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &[u8] = "aé中b".as_bytes();

    #[test]
    fn codes_refuses_stray_continuation_bytes_as_5_4_6() {
        // After "in", a continuation byte follows a complete character.
        assert_eq!(codes_step(b"in\x80valid", 1, true), Err(MSG_INVALID));
        assert_eq!(codes_step(b"ab\xff", 2, true), Err(MSG_INVALID));
        assert_eq!(codes_step(S, 0, true), Ok(Some((1, 'a' as i64))));
        assert_eq!(codes_step(S, 1, true), Ok(Some((2, 'é' as i64))));
    }

    #[test]
    fn offset_as_lua() {
        assert_eq!(offset(S, 3, None), Ok(Some(4)));
        assert_eq!(offset(S, -1, None), Ok(Some(7)));
        assert_eq!(offset(S, 0, Some(3)), Ok(Some(2)));
        assert_eq!(
            offset(S, 1, Some(3)),
            Err(OffsetError::Message(
                "initial position is a continuation byte"
            ))
        );
        assert_eq!(offset(S, 10, None), Ok(None));
        assert_eq!(offset(S, 6, None), Ok(None));
        assert_eq!(offset(S, 5, None), Ok(Some(8)));
        assert_eq!(offset(S, -5, None), Ok(None));
        assert_eq!(offset(S, 1, Some(8)), Ok(Some(8)));
        let oob = Err(OffsetError::Arg((3, "position out of bounds")));
        assert_eq!(offset(S, 1, Some(9)), oob);
        assert_eq!(offset(S, 1, Some(0)), oob);
        assert_eq!(offset(b"", 1, None), Ok(Some(1)));
        assert_eq!(offset(b"", 0, None), Ok(Some(1)));
    }

    fn all_codes(s: &[u8], strict: bool) -> (Vec<(i64, i64)>, Option<&'static str>) {
        let mut out = Vec::new();
        let mut ctl = 0;
        loop {
            match codes_step(s, ctl, strict) {
                Ok(Some((p, c))) => {
                    out.push((p, c));
                    ctl = p;
                }
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn codes_as_lua() {
        assert_eq!(
            all_codes(S, true),
            (vec![(1, 97), (2, 233), (4, 20013), (7, 98)], None)
        );
        // 5.4.6: a stray continuation byte after a character is an error.
        assert_eq!(all_codes(b"a\x80b", true), (vec![], Some(MSG_INVALID)));
        assert_eq!(all_codes(b"\x80b", true), (vec![(2, 98)], None));
        assert_eq!(
            all_codes(b"a\xed\xa0\x80", true),
            (vec![(1, 97)], Some(MSG_INVALID))
        );
        assert_eq!(
            all_codes(b"a\xed\xa0\x80", false),
            (vec![(1, 97), (2, 55296)], None)
        );
        assert_eq!(
            all_codes(b"ab\xe4\xb8", true),
            (vec![(1, 97), (2, 98)], Some(MSG_INVALID))
        );
        assert_eq!(
            all_codes(b"\xc3\xa9\x80", true),
            (vec![], Some(MSG_INVALID))
        );
    }

    #[test]
    fn len_as_lua() {
        assert_eq!(len(S, 1, -1, false), Ok(Ok(4)));
        assert_eq!(len("aé\u{80}b".as_bytes(), 1, -1, false), Ok(Ok(4)));
        assert_eq!(len(b"a\xc3\xa9\x80b", 1, -1, false), Ok(Err(4)));
        assert_eq!(len(S, 3, -1, false), Ok(Err(3)));
        assert_eq!(
            len(S, 0, -1, false),
            Err((2, "initial position out of bounds"))
        );
        assert_eq!(
            len(S, 9, -1, false),
            Err((2, "initial position out of bounds"))
        );
        assert_eq!(len(S, 8, -1, false), Ok(Ok(0)));
        assert_eq!(
            len(S, 1, 8, false),
            Err((3, "final position out of bounds"))
        );
        assert_eq!(len(S, -1, -1, false), Ok(Ok(1)));
        assert_eq!(len(b"\xf4\x90\x80\x80", 1, -1, false), Ok(Err(1)));
        assert_eq!(len(b"\xf4\x90\x80\x80", 1, -1, true), Ok(Ok(1)));
        assert_eq!(len(b"\xc0\x80", 1, -1, false), Ok(Err(1)));
    }

    #[test]
    fn codepoint_as_lua() {
        assert_eq!(codepoints(S, 1, -1, false), Ok(vec![97, 233, 20013, 98]));
        assert_eq!(
            codepoints(S, 3, 3, false),
            Err(CodepointError::Message(MSG_INVALID))
        );
        assert_eq!(
            codepoints(S, 0, 0, false),
            Err(CodepointError::Arg((2, "out of bounds")))
        );
        assert_eq!(
            codepoints(S, 1, 9, false),
            Err(CodepointError::Arg((3, "out of bounds")))
        );
        assert_eq!(codepoints(S, 5, 4, false), Ok(vec![]));
        assert_eq!(
            codepoints(b"\xff", 1, 1, false),
            Err(CodepointError::Message(MSG_INVALID))
        );
        assert_eq!(
            codepoints(b"\xfd\xbf\xbf\xbf\xbf\xbf", 1, 1, true),
            Ok(vec![0x7FFF_FFFF])
        );
    }

    #[test]
    fn char_as_lua() {
        let mut out = Vec::new();
        for c in [72, 0x4e2d, 0x7FFF_FFFF, 0x10FFFF, 0xD800] {
            encode(char_code(c).unwrap(), &mut out);
        }
        let mut want = b"H".to_vec();
        want.extend_from_slice("中".as_bytes());
        want.extend_from_slice(b"\xfd\xbf\xbf\xbf\xbf\xbf\xf4\x8f\xbf\xbf\xed\xa0\x80");
        assert_eq!(out, want);
        assert_eq!(char_code(0x8000_0000), Err("value out of range"));
        assert_eq!(char_code(-1), Err("value out of range"));
        assert_eq!(CHARPATTERN.len(), 14);
    }

    #[test]
    fn encode_decode_round_trip() {
        for x in (0..0x7FFF_FFFFu32)
            .step_by(9973)
            .chain([0, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000])
        {
            let mut b = Vec::new();
            encode(x, &mut b);
            assert_eq!(decode(&b, 0, false), Some((x, b.len())), "{x:#x}");
            if x <= 0x10FFFF && !(0xD800..=0xDFFF).contains(&x) {
                assert_eq!(
                    std::str::from_utf8(&b).ok().and_then(|s| s.chars().next()),
                    char::from_u32(x)
                );
            }
        }
    }
}
