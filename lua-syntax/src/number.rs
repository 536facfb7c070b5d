//! Numerals: the conversion `lua_stringtonumber` performs, shared by the
//! lexer (numeric literals) and the runtime (string→number coercion,
//! `tonumber`); and Lua's floor division, modulo and shift
//! ([`int_floor_div`], [`int_mod`], [`float_mod`], [`shift_left`]), shared by the compiler's constant folding
//! and the runtime's operators.
//!
//! PUC-Rio first tries the text as an integer (`l_str2int`: decimal digits
//! that fit in an `i64`, or hexadecimal digits that wrap around modulo
//! 2^64), then as a float with C's `strtod` (`l_str2d`), rejecting anything
//! that spells `inf` or `nan`. Both accept leading and trailing whitespace
//! and an optional sign. We follow the same two steps, but validate the
//! float syntax ourselves and convert with exact arithmetic: decimal text
//! goes through Rust's correctly rounded `f64` parser, hexadecimal text is
//! accumulated into a 64-bit mantissa with a sticky bit and rounded once
//! (round-half-even, subnormals included), which is what glibc's `strtod`
//! does.

/// A Lua number: the result of converting a numeral.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// `lisspace` of lctype.c (and C's `isspace` in the "C" locale).
#[inline]
pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex_value(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// Converts `s` as `lua_stringtonumber` does: the whole slice must be a
/// numeral, optionally surrounded by whitespace. Returns `None` for
/// anything else (including embedded NUL bytes, `inf` and `nan`).
///
/// ```
/// use lua_syntax::number::{str_to_number, Number};
/// assert_eq!(str_to_number(b" 0x10 "), Some(Number::Int(16)));
/// assert_eq!(str_to_number(b"0xffffffffffffffff"), Some(Number::Int(-1)));
/// assert_eq!(str_to_number(b"9223372036854775808"), Some(Number::Float(9223372036854775808.0)));
/// assert_eq!(str_to_number(b"0x1p4"), Some(Number::Float(16.0)));
/// assert_eq!(str_to_number(b"inf"), None);
/// ```
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    if let Some(i) = str_to_int(s) {
        return Some(Number::Int(i));
    }
    str_to_float(s).map(Number::Float)
}

/// `l_str2int`: decimal integers that fit, or hexadecimal integers (wrapping).
fn str_to_int(s: &[u8]) -> Option<i64> {
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut a: u64 = 0;
    let mut empty = true;
    if i + 1 < s.len() && s[i] == b'0' && (s[i + 1] == b'x' || s[i + 1] == b'X') {
        i += 2;
        while i < s.len() {
            match hex_value(s[i]) {
                Some(d) => {
                    a = a.wrapping_mul(16).wrapping_add(u64::from(d));
                    empty = false;
                    i += 1;
                }
                None => break,
            }
        }
    } else {
        const MAXBY10: u64 = (i64::MAX / 10) as u64;
        const MAXLASTD: u64 = (i64::MAX % 10) as u64;
        while i < s.len() && s[i].is_ascii_digit() {
            let d = u64::from(s[i] - b'0');
            if a >= MAXBY10 && (a > MAXBY10 || d > MAXLASTD + u64::from(neg)) {
                // Overflow: not an integer; the caller retries as a float.
                return None;
            }
            a = a * 10 + d;
            empty = false;
            i += 1;
        }
    }
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    if empty || i != s.len() {
        return None;
    }
    let v = if neg { 0u64.wrapping_sub(a) } else { a };
    Some(v as i64)
}

/// `l_str2d`: a float in `strtod` syntax (decimal or hexadecimal), without
/// `inf`/`nan`, the whole slice consumed (modulo whitespace).
fn str_to_float(s: &[u8]) -> Option<f64> {
    // PUC rejects any text whose first special character is 'n'/'N'.
    if let Some(&c) = s
        .iter()
        .find(|&&c| matches!(c, b'.' | b'x' | b'X' | b'n' | b'N'))
        && (c == b'n' || c == b'N')
    {
        return None;
    }
    let mut start = 0;
    while start < s.len() && is_space(s[start]) {
        start += 1;
    }
    let mut end = s.len();
    while end > start && is_space(s[end - 1]) {
        end -= 1;
    }
    let t = &s[start..end];
    let (neg, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if body.len() >= 2 && body[0] == b'0' && (body[1] == b'x' || body[1] == b'X') {
        parse_hex_float(&body[2..])?
    } else {
        parse_dec_float(body)?
    };
    Some(if neg { -v } else { v })
}

/// Decimal: digits [`.` digits] [(e|E) [sign] digits], at least one digit
/// in the mantissa. Validated here, converted by Rust's exact parser.
fn parse_dec_float(b: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e0 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    // The text is pure ASCII of a shape Rust's parser accepts.
    std::str::from_utf8(b).ok()?.parse::<f64>().ok()
}

/// Hexadecimal (after `0x`): hexdigits [`.` hexdigits] [(p|P) [sign] digits],
/// at least one hex digit in the mantissa. Exactly rounded.
fn parse_hex_float(b: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut mant: u64 = 0;
    let mut sticky = false;
    // Binary exponent adjustment for digits that did not fit / fraction digits.
    let mut exp: i64 = 0;
    let mut any = false;
    let mut seen_dot = false;
    while i < b.len() {
        let c = b[i];
        if c == b'.' {
            if seen_dot {
                break;
            }
            seen_dot = true;
            i += 1;
            continue;
        }
        let Some(d) = hex_value(c) else { break };
        any = true;
        if mant >> 60 == 0 {
            mant = (mant << 4) | u64::from(d);
            if seen_dot {
                exp -= 4;
            }
        } else {
            // Mantissa full: later digits only matter as a sticky bit.
            sticky |= d != 0;
            if !seen_dot {
                exp += 4;
            }
        }
        i += 1;
    }
    if !any {
        return None;
    }
    if i < b.len() && (b[i] == b'p' || b[i] == b'P') {
        i += 1;
        let mut eneg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            eneg = b[i] == b'-';
            i += 1;
        }
        let e0 = i;
        let mut e: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            // Saturate: anything this large is already inf or zero.
            e = (e * 10 + i64::from(b[i] - b'0')).min(1 << 40);
            i += 1;
        }
        if i == e0 {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    Some(make_float(mant, exp, sticky))
}

/// The f64 nearest to `(mant + sticky·ε) · 2^exp`, ties to even.
pub(crate) fn make_float(mant: u64, exp: i64, sticky: bool) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    // Normalise so the top bit is bit 63: value = m · 2^(e - 63).
    let lz = mant.leading_zeros();
    let m = mant << lz;
    // Exponent of the leading bit: value in [2^e, 2^(e+1)).
    let e = exp + 63 - i64::from(lz);
    if e > 1023 {
        return f64::INFINITY;
    }
    // Number of mantissa bits we can keep (53 for normals, fewer below).
    let keep: i64 = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if keep <= 0 {
        // Below half the smallest subnormal, or exactly around it.
        if keep == 0 {
            // value in [2^-1075, 2^-1074): rounds to 2^-1074 if > half.
            let half = m == 1 << 63 && !sticky;
            return if half { 0.0 } else { f64::from_bits(1) };
        }
        return 0.0;
    }
    let drop = 64 - keep as u32;
    let mut q = m >> drop;
    let rem = m & ((1u64 << drop) - 1);
    let halfway = 1u64 << (drop - 1);
    if rem > halfway || (rem == halfway && (sticky || q & 1 == 1)) {
        q += 1;
    }
    // q has `keep` bits (or keep+1 after a carry); value = q · 2^(e - keep + 1).
    let scale = e - keep + 1;
    // Build the result from bits to avoid double rounding.
    let mut scale = scale;
    if q >> keep != 0 {
        q >>= 1;
        scale += 1;
    }
    let top = scale + keep - 1; // exponent of q's leading bit
    if top > 1023 {
        return f64::INFINITY;
    }
    if top >= -1022 && keep == 53 {
        let frac = q & ((1u64 << 52) - 1);
        let biased = (top + 1023) as u64;
        f64::from_bits((biased << 52) | frac)
    } else if top >= -1022 {
        // A subnormal that rounded up into the normal range.
        let frac = (q << (53 - keep)) & ((1u64 << 52) - 1);
        let biased = (top + 1023) as u64;
        f64::from_bits((biased << 52) | frac)
    } else {
        // Subnormal: q · 2^scale with scale == -1074.
        let shift = scale + 1074;
        f64::from_bits(q << shift)
    }
}

/// Integer floor division (`//`, `luaV_idiv`): rounds toward minus
/// infinity; `None` for a zero divisor (an error for the caller to raise).
/// `i64::MIN // -1` wraps, as in PUC.
#[inline]
pub fn int_floor_div(a: i64, b: i64) -> Option<i64> {
    match b {
        0 => None,
        -1 => Some(a.wrapping_neg()),
        _ => {
            let q = a / b;
            // Round toward minus infinity when the signs differ and there
            // is a rest.
            Some(if (a % b != 0) && ((a ^ b) < 0) {
                q - 1
            } else {
                q
            })
        }
    }
}

/// Integer modulo (`%`, `luaV_mod`) with the sign of the divisor; `None`
/// for a zero divisor.
#[inline]
pub fn int_mod(a: i64, b: i64) -> Option<i64> {
    match b {
        0 => None,
        -1 => Some(0),
        _ => {
            let r = a % b;
            Some(if r != 0 && (r ^ b) < 0 { r + b } else { r })
        }
    }
}

/// `x << y` with Lua's rules (`luaV_shiftl`: a negative shift goes right,
/// 64 or more places give 0).
#[inline]
pub fn shift_left(x: i64, y: i64) -> i64 {
    if y < 0 {
        if y <= -64 {
            0
        } else {
            ((x as u64) >> (-y) as u32) as i64
        }
    } else if y >= 64 {
        0
    } else {
        ((x as u64) << y as u32) as i64
    }
}

/// Float modulo (`luai_nummod`): C's `fmod`, moved to the sign of the
/// divisor.
#[inline]
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if (m > 0.0 && b < 0.0) || (m < 0.0 && b > 0.0) {
        m + b
    } else {
        m
    }
}

/// Float exponentiation (`^`, `luai_numpow`): `x ^ 2` is `x * x`, as
/// PUC-Rio computes it, which is correctly rounded where `pow` may not be
/// (`123456789 ^ 2` differs in the last bit).
pub fn float_pow(x: f64, y: f64) -> f64 {
    if y == 2.0 { x * x } else { x.powf(y) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow_of_two_is_a_product() {
        assert_eq!(float_pow(123456789.0, 2.0), 123456789.0 * 123456789.0);
        assert_eq!(float_pow(2.0, 0.5), 2f64.sqrt());
    }

    #[test]
    fn integers() {
        assert_eq!(str_to_number(b"10"), Some(Number::Int(10)));
        assert_eq!(str_to_number(b"  -10\t"), Some(Number::Int(-10)));
        assert_eq!(
            str_to_number(b"9223372036854775807"),
            Some(Number::Int(i64::MAX))
        );
        assert_eq!(
            str_to_number(b"-9223372036854775808"),
            Some(Number::Int(i64::MIN))
        );
        assert_eq!(
            str_to_number(b"-9223372036854775809"),
            Some(Number::Float(-9223372036854775809.0))
        );
        assert_eq!(
            str_to_number(b"0x7fffffffffffffff"),
            Some(Number::Int(i64::MAX))
        );
        assert_eq!(str_to_number(b"0x10000000000000001"), Some(Number::Int(1)));
        assert_eq!(str_to_number(b"-0x1"), Some(Number::Int(-1)));
    }

    #[test]
    fn floats() {
        assert_eq!(str_to_number(b"1.5"), Some(Number::Float(1.5)));
        assert_eq!(str_to_number(b".5"), Some(Number::Float(0.5)));
        assert_eq!(str_to_number(b"5."), Some(Number::Float(5.0)));
        assert_eq!(str_to_number(b"1e10"), Some(Number::Float(1e10)));
        assert_eq!(str_to_number(b"1E-2"), Some(Number::Float(0.01)));
        assert_eq!(str_to_number(b"1e400"), Some(Number::Float(f64::INFINITY)));
        assert_eq!(str_to_number(b"0x.8"), Some(Number::Float(0.5)));
        assert_eq!(str_to_number(b"0x1.8p1"), Some(Number::Float(3.0)));
        assert_eq!(str_to_number(b"0xA.8P-1"), Some(Number::Float(5.25)));
        assert_eq!(
            str_to_number(b"0x1p-1074"),
            Some(Number::Float(f64::from_bits(1)))
        );
        assert_eq!(str_to_number(b"0x1p-1075"), Some(Number::Float(0.0)));
        assert_eq!(
            str_to_number(b"0x1.8p-1075"),
            Some(Number::Float(f64::from_bits(1)))
        );
        assert_eq!(
            str_to_number(b"0x1p1024"),
            Some(Number::Float(f64::INFINITY))
        );
        assert_eq!(
            str_to_number(b"0x1.fffffffffffff8p0"),
            Some(Number::Float(2.0))
        );
        assert_eq!(
            str_to_number(b"0x1.fffffffffffff7p0"),
            Some(Number::Float(f64::from_bits(0x3FFF_FFFF_FFFF_FFFF)))
        );
        assert_eq!(
            str_to_number(b"0x1.00000000000008p0"),
            Some(Number::Float(1.0))
        );
        assert_eq!(
            str_to_number(b"0x1.000000000000080000001p0"),
            Some(Number::Float(f64::from_bits(0x3FF0_0000_0000_0001)))
        );
    }

    #[test]
    fn rejects() {
        for s in [
            &b""[..],
            b" ",
            b"inf",
            b"nan",
            b"-inf",
            b"1e",
            b"0x",
            b"0xp1",
            b".",
            b"1..2",
            b"1 2",
            b"0x1p",
            b"1\0",
            b"--1",
            b"e5",
            b"1.5x",
        ] {
            assert_eq!(str_to_number(s), None, "{:?}", String::from_utf8_lossy(s));
        }
    }
}
