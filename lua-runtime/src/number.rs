//! Number semantics of Lua 5.4: integer/float arithmetic, conversions,
//! exact mixed comparisons, string→number coercion and number→string.
//!
//! Integers wrap around (two's complement); `//` and `%` round toward minus
//! infinity; integer division or modulo by zero is an error (the caller words
//! it), float division never is. Comparisons between an integer and a float
//! are exact: they never round the integer through `f64` (PUC's `LTintfloat`
//! and friends), so `2^53 + 1 > 2.0^53` holds.

/// Shared with the compiler's constant folding (lua-syntax).
pub use lua_syntax::number::{float_mod, int_floor_div, int_mod, shift_left};

/// 2^63 as a float: the first float above every i64.
const TWO63: f64 = 9_223_372_036_854_775_808.0;

/// The float's value as an integer when it has an exact one.
#[inline]
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    if (-TWO63..TWO63).contains(&f) {
        let i = f as i64;
        if i as f64 == f {
            return Some(i);
        }
    }
    None
}

/// Exact `i == f`.
#[inline]
pub fn int_eq_float(i: i64, f: f64) -> bool {
    float_to_int_exact(f) == Some(i)
}

/// Exact `i < f`.
pub fn lt_int_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    let c = f.ceil();
    if c >= TWO63 {
        true
    } else if c < -TWO63 {
        false
    } else {
        i < c as i64
    }
}

/// Exact `i <= f`.
pub fn le_int_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    let fl = f.floor();
    if fl >= TWO63 {
        true
    } else if fl < -TWO63 {
        false
    } else {
        i <= fl as i64
    }
}

/// Exact `f < i`.
pub fn lt_float_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        return false;
    }
    let fl = f.floor();
    if fl >= TWO63 {
        false
    } else if fl < -TWO63 {
        true
    } else {
        (fl as i64) < i
    }
}

/// Exact `f <= i`.
pub fn le_float_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        return false;
    }
    let c = f.ceil();
    if c >= TWO63 {
        false
    } else if c < -TWO63 {
        true
    } else {
        (c as i64) <= i
    }
}

/// Float floor division.
#[inline]
pub fn float_idiv(a: f64, b: f64) -> f64 {
    (a / b).floor()
}

/// C's `isspace` in the C locale.
#[inline]
pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A number parsed from a string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i64),
    Float(f64),
}

/// Lua's string→number conversion (`lua_stringtonumber`): surrounding
/// whitespace, optional sign, decimal or hex integers (hex wraps around,
/// decimal overflow becomes a float), decimal and hex floats. No `inf`/`nan`.
pub fn str_to_number(s: &[u8]) -> Option<Num> {
    let mut a = 0;
    let mut b = s.len();
    while a < b && is_space(s[a]) {
        a += 1;
    }
    while b > a && is_space(s[b - 1]) {
        b -= 1;
    }
    let t = &s[a..b];
    if t.is_empty() {
        return None;
    }
    if let Some(i) = str_to_int(t) {
        return Some(Num::Int(i));
    }
    str_to_float(t).map(Num::Float)
}

fn str_to_int(t: &[u8]) -> Option<i64> {
    let (neg, rest) = match t[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if rest.len() > 2 && rest[0] == b'0' && (rest[1] == b'x' || rest[1] == b'X') {
        let mut v: u64 = 0;
        for &c in &rest[2..] {
            let d = (c as char).to_digit(16)? as u64;
            v = v.wrapping_mul(16).wrapping_add(d);
        }
        let v = v as i64;
        return Some(if neg { v.wrapping_neg() } else { v });
    }
    if rest.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in rest {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v <= 1u64 << 63 {
            Some((v as i64).wrapping_neg())
        } else {
            None
        }
    } else if v <= i64::MAX as u64 {
        Some(v as i64)
    } else {
        None
    }
}

fn str_to_float(t: &[u8]) -> Option<f64> {
    if t.iter().any(|&c| c == b'n' || c == b'N') {
        return None;
    }
    let (neg, rest) = match t[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if rest.len() >= 2 && rest[0] == b'0' && (rest[1] == b'x' || rest[1] == b'X') {
        hex_float(&rest[2..])?
    } else {
        // Rust's parser accepts what strtod accepts for decimal input once
        // signs, whitespace, inf and nan are handled above, except that it
        // needs a digit somewhere.
        if !rest
            .iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        if rest.first().is_some_and(|c| matches!(c, b'+' | b'-')) {
            return None;
        }
        std::str::from_utf8(rest).ok()?.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Hex float body after `0x`: hex digits, optional `.`, optional `p[+-]dd`.
fn hex_float(s: &[u8]) -> Option<f64> {
    let mut m: f64 = 0.0;
    let mut exp: i64 = 0;
    let mut any = false;
    let mut i = 0;
    let mut seen_dot = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            any = true;
            m = m * 16.0 + d as f64;
            if seen_dot {
                exp -= 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !any {
        return None;
    }
    if i < s.len() {
        if s[i] != b'p' && s[i] != b'P' {
            return None;
        }
        i += 1;
        let mut eneg = false;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            eneg = s[i] == b'-';
            i += 1;
        }
        if i >= s.len() {
            return None;
        }
        let mut e: i64 = 0;
        while i < s.len() {
            let c = s[i];
            if !c.is_ascii_digit() {
                return None;
            }
            e = (e * 10 + (c - b'0') as i64).min(1 << 20);
            i += 1;
        }
        exp += if eneg { -e } else { e };
    }
    // ldexp in steps: 2^-1074 itself is not a finite power of two
    // reachable in one `powi` from the other side.
    let mut v = m;
    let mut e = exp.clamp(-3000, 3000);
    while e > 900 {
        v *= 2f64.powi(900);
        e -= 900;
    }
    while e < -900 {
        v *= 2f64.powi(-900);
        e += 900;
    }
    Some(v * 2f64.powi(e as i32))
}

/// `tostring` of a float: `%.14g`, plus `.0` when it looks like an integer.
pub fn fmt_float(f: f64) -> String {
    crate::strlib::number_fmt::number_to_string(f)
}

/// `tostring` of a number value.
pub fn fmt_int(i: i64) -> String {
    i.to_string()
}

/// The decimal text of `i` (as [`fmt_int`]), written at the end of `out`
/// without allocating; returns the used part.
pub fn int_text(i: i64, out: &mut [u8; 20]) -> &[u8] {
    let mut n = i.unsigned_abs();
    let mut pos = out.len();
    loop {
        pos -= 1;
        out[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        pos -= 1;
        out[pos] = b'-';
    }
    &out[pos..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_text_as_fmt_int() {
        for i in [0, 7, -7, 10, 1234567890, i64::MAX, i64::MIN, -1, 100] {
            let mut b = [0u8; 20];
            assert_eq!(int_text(i, &mut b), fmt_int(i).as_bytes());
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(str_to_number(b" 10 "), Some(Num::Int(10)));
        assert_eq!(str_to_number(b"0x10"), Some(Num::Int(16)));
        assert_eq!(str_to_number(b"0xffffffffffffffff"), Some(Num::Int(-1)));
        assert_eq!(
            str_to_number(b"9223372036854775808"),
            Some(Num::Float(TWO63))
        );
        assert_eq!(str_to_number(b"1e2"), Some(Num::Float(100.0)));
        assert_eq!(str_to_number(b"0x1p4"), Some(Num::Float(16.0)));
        assert_eq!(str_to_number(b".5"), Some(Num::Float(0.5)));
        assert_eq!(str_to_number(b"5."), Some(Num::Float(5.0)));
        assert_eq!(str_to_number(b"inf"), None);
        assert_eq!(str_to_number(b"nan"), None);
        assert_eq!(str_to_number(b"1e"), None);
        assert_eq!(str_to_number(b""), None);
        assert_eq!(str_to_number(b"0x"), None);
        assert_eq!(str_to_number(b"- 1"), None);
    }

    #[test]
    fn division_rules() {
        assert_eq!(int_floor_div(7, -2), Some(-4));
        assert_eq!(int_floor_div(i64::MIN, -1), Some(i64::MIN));
        assert_eq!(int_mod(-7, 3), Some(2));
        assert_eq!(int_mod(7, -3), Some(-2));
        assert_eq!(int_mod(1, 0), None);
        assert_eq!(float_mod(-7.0, 3.0), 2.0);
        assert_eq!(shift_left(1, 63), i64::MIN);
        assert_eq!(shift_left(-1, -63), 1);
        assert_eq!(shift_left(1, 64), 0);
    }

    #[test]
    fn mixed_comparisons() {
        assert!(lt_int_float(9007199254740992, 9007199254740994.0));
        assert!(!lt_int_float(9007199254740993, 9007199254740992.0));
        assert!(lt_float_int(9007199254740992.0, 9007199254740993));
        assert!(le_int_float(i64::MAX, TWO63));
        assert!(!lt_int_float(1, f64::NAN));
    }

    #[test]
    fn float_format() {
        assert_eq!(fmt_float(1.0), "1.0");
        assert_eq!(fmt_float(-0.0), "-0.0");
        assert_eq!(fmt_float(1e15), "1e+15");
        assert_eq!(fmt_float(2f64.powi(63)), "9.2233720368548e+18");
        assert_eq!(fmt_float(0.1), "0.1");
        assert_eq!(fmt_float(1.0 / 3.0), "0.33333333333333");
        assert_eq!(fmt_float(100.0), "100.0");
        assert_eq!(fmt_float(1e100), "1e+100");
        assert_eq!(fmt_float(123456.789e3), "123456789.0");
    }
}
