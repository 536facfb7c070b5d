//! C `printf` number conversions (`%d %i %u %c %o %x %X %e %E %f %F %g %G %a %A`)
//! laid out byte for byte as glibc does, plus Lua's `%.14g` number→string rule.
//!
//! # How the digits are produced
//!
//! glibc prints the *exact* decimal value of a double rounded to the requested
//! number of digits, ties to even. Rust's `{:.N}` and `{:.Ne}` formatting is
//! also exact and correctly rounded (ties to even on the exact binary value),
//! so this module never computes digits itself: it asks Rust for the digits
//! and only does the C layout work — exponent with at least two digits, `%g`'s
//! choice between the fixed and the exponent style and its trailing-zero
//! removal, the `#` alternate forms, sign flags, and width padding with spaces
//! or with zeros inserted after the sign and any `0x` prefix.
//!
//! `%a` is done by hand from the bit pattern, because its digits are just the
//! mantissa in hexadecimal: glibc writes normal numbers as `0x1.<hex>p<exp>`,
//! subnormals as `0x0.<hex>p-1022`, drops trailing zero digits when no
//! precision is given, and when a precision is given rounds the mantissa to
//! that many hex digits (ties to even) without renormalising (`%.0a` of 1.9 is
//! `0x2p+0`).
//!
//! Infinities and NaNs print as `inf`/`nan` (`INF`/`NAN` for upper-case
//! conversions), with a `-` when the sign bit is set, exactly as glibc does
//! (`0/0` on x86 has its sign bit set, so Lua prints it as `-nan`); the `0`
//! flag does not apply to them.

use std::io::Write;

/// A parsed conversion specification: the flags, width and precision of one
/// `%...` item. The conversion letter is passed separately.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify within the width.
    pub left: bool,
    /// `+`: always print a sign for signed conversions.
    pub plus: bool,
    /// ` `: print a space where a `+` would go.
    pub space: bool,
    /// `#`: the alternate form.
    pub alt: bool,
    /// `0`: pad with zeros after the sign/prefix instead of spaces.
    pub zero: bool,
    /// Minimum field width.
    pub width: usize,
    /// Precision, when a `.` was given (`.` alone means 0).
    pub precision: Option<usize>,
}

/// Formats a float the way Lua's `tostring` does: `%.14g`, plus `.0` when the
/// result looks like an integer (`3.0`, `-0.0`, `1e+15` stays as is).
///
/// ```
/// use lua_runtime::strlib::number_fmt::number_to_string;
/// assert_eq!(number_to_string(3.0), "3.0");
/// assert_eq!(number_to_string(2f64.powi(63)), "9.2233720368548e+18");
/// assert_eq!(number_to_string(f64::NEG_INFINITY), "-inf");
/// ```
pub fn number_to_string(x: f64) -> String {
    let mut s = fmt_g14(x);
    if s.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
        s.push_str(".0");
    }
    s
}

/// `LUAI_NUMFFORMAT`: the float formatted with C's `"%.14g"`.
pub fn fmt_g14(x: f64) -> String {
    // Integral values below 10^14 print as their integer digits (at most
    // 14 of them): the common case of `tostring(3.0)` skips the general
    // path. `-0.0` keeps its sign, as C prints "-0".
    if x.fract() == 0.0 && x.abs() < 1e14 {
        let mut buf = [0u8; 24];
        let digits = unsigned_digits(&mut buf, x.abs() as u64, 10, false);
        let mut s = String::with_capacity(digits.len() + 3);
        if x.is_sign_negative() {
            s.push('-');
        }
        s.extend(digits.iter().map(|&b| b as char));
        return s;
    }
    let spec = Spec {
        precision: Some(14),
        ..Spec::default()
    };
    let mut out = Vec::with_capacity(24);
    format_float(&mut out, &spec, b'g', x);
    // The layout code only ever emits ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// The digits of `u` in `base` (8, 10 or 16), written at the end of `buf`.
fn unsigned_digits(buf: &mut [u8; 24], mut u: u64, base: u64, upper: bool) -> &[u8] {
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = table[(u % base) as usize];
        u /= base;
        if u == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends `x` formatted with conversion `conv` (one of `eEfFgGaA`) to `out`.
/// Any other `conv` is treated as `g`.
pub fn format_float(out: &mut Vec<u8>, spec: &Spec, conv: u8, x: f64) {
    let upper = conv.is_ascii_uppercase();
    let sign: &[u8] = if x.is_sign_negative() {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    };
    if !x.is_finite() {
        let body: &[u8] = match (x.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        let nospec = Spec {
            zero: false,
            ..*spec
        };
        pad(out, &nospec, sign, b"", body);
        return;
    }
    let v = x.abs();
    let mut body = Vec::with_capacity(32);
    let mut prefix: &[u8] = b"";
    match conv.to_ascii_lowercase() {
        b'f' => fixed(&mut body, v, spec.precision.unwrap_or(6), spec.alt),
        b'e' => exponent(&mut body, v, spec.precision.unwrap_or(6), spec.alt, upper),
        b'a' => {
            prefix = if upper { b"0X" } else { b"0x" };
            hex_float(&mut body, v, spec.precision, spec.alt, upper);
        }
        _ => general(&mut body, v, spec.precision.unwrap_or(6), spec.alt, upper),
    }
    pad(out, spec, sign, prefix, &body);
}

/// Decimal digits of `v` (non-negative, finite) rounded to `prec + 1`
/// significant digits, and the decimal exponent of the first one.
fn sci_digits(v: f64, prec: usize) -> (Vec<u8>, i32) {
    // One buffer: "d.ddde-5" is written, then compacted in place to the
    // digits, the exponent parsed from its tail.
    let mut buf = Vec::with_capacity(prec + 8);
    let _ = write!(buf, "{v:.prec$e}");
    let epos = buf.iter().position(|&b| b == b'e').unwrap_or(buf.len());
    let mut exp: i32 = 0;
    let mut neg = false;
    for &b in buf.get(epos + 1..).unwrap_or(&[]) {
        match b {
            b'-' => neg = true,
            b'0'..=b'9' => exp = exp * 10 + (b - b'0') as i32,
            _ => {}
        }
    }
    buf.truncate(epos);
    if buf.get(1) == Some(&b'.') {
        buf.remove(1);
    }
    (buf, if neg { -exp } else { exp })
}

fn fixed(body: &mut Vec<u8>, v: f64, prec: usize, alt: bool) {
    // Writing into a Vec cannot fail.
    let _ = write!(body, "{v:.prec$}");
    if prec == 0 && alt {
        body.push(b'.');
    }
}

fn push_exp(body: &mut Vec<u8>, exp: i32, upper: bool) {
    body.push(if upper { b'E' } else { b'e' });
    body.push(if exp < 0 { b'-' } else { b'+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        body.push(b'0');
    }
    let mut buf = [0u8; 24];
    body.extend_from_slice(unsigned_digits(&mut buf, e as u64, 10, false));
}

fn exponent(body: &mut Vec<u8>, v: f64, prec: usize, alt: bool, upper: bool) {
    let (digits, exp) = sci_digits(v, prec);
    let exp = if v == 0.0 { 0 } else { exp };
    push_sci(body, &digits, exp, prec, alt, upper);
}

fn push_sci(body: &mut Vec<u8>, digits: &[u8], exp: i32, prec: usize, alt: bool, upper: bool) {
    body.push(digits[0]);
    if prec > 0 || alt {
        body.push(b'.');
    }
    body.extend_from_slice(&digits[1..]);
    push_exp(body, exp, upper);
}

fn general(body: &mut Vec<u8>, v: f64, prec: usize, alt: bool, upper: bool) {
    let p = prec.max(1);
    let (digits, x) = sci_digits(v, p - 1);
    let x = if v == 0.0 { 0 } else { x };
    // C99 7.19.6.1: fixed style when P > X >= -4, with precision P - 1 - X.
    // Both styles round at the same decimal position, so the fixed form is
    // the same significant digits with the point moved.
    if x >= -4 && (x as i64) < p as i64 {
        if x >= 0 {
            let int_len = x as usize + 1;
            body.extend_from_slice(&digits[..int_len]);
            if int_len < digits.len() || alt {
                body.push(b'.');
            }
            body.extend_from_slice(&digits[int_len..]);
        } else {
            body.extend_from_slice(b"0.");
            body.resize(body.len() + (-x - 1) as usize, b'0');
            body.extend_from_slice(&digits);
        }
        if !alt {
            strip_fraction_zeros(body, body.len());
        }
    } else {
        push_sci(body, &digits, x, p - 1, alt, upper);
        if !alt {
            let epos = body
                .iter()
                .position(|&b| b == b'e' || b == b'E')
                .unwrap_or(body.len());
            strip_fraction_zeros(body, epos);
        }
    }
}

/// Removes trailing zeros (and then a bare '.') from the fraction that ends at
/// `end`, keeping whatever follows (an exponent).
fn strip_fraction_zeros(body: &mut Vec<u8>, end: usize) {
    if !body[..end].contains(&b'.') {
        return;
    }
    let mut cut = end;
    while cut > 0 && body[cut - 1] == b'0' {
        cut -= 1;
    }
    if cut > 0 && body[cut - 1] == b'.' {
        cut -= 1;
    }
    body.drain(cut..end);
}

fn hex_float(body: &mut Vec<u8>, v: f64, prec: Option<usize>, alt: bool, upper: bool) {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut lead, exp) = match (biased, frac) {
        (0, 0) => (0u64, 0),
        (0, _) => (0, -1022),
        _ => (1, biased - 1023),
    };
    // 13 hex digits hold the 52 fraction bits.
    let mut frac_digits = 13usize;
    let mut f = frac;
    if let Some(p) = prec
        && p < 13
    {
        let drop = 4 * (13 - p) as u32;
        let kept = f >> drop;
        let rest = f & ((1u64 << drop) - 1);
        let half = 1u64 << (drop - 1);
        let mut r = kept;
        // Ties go to even; with no fraction digits the last kept digit
        // is the leading one.
        let last = if p == 0 { lead } else { kept };
        if rest > half || (rest == half && last & 1 == 1) {
            r += 1;
        }
        if p == 0 {
            lead += r;
            r = 0;
        } else if r >> (4 * p) != 0 {
            lead += 1;
            r &= (1u64 << (4 * p)) - 1;
        }
        f = r;
        frac_digits = p;
    }
    let digits = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    body.push(digits[lead as usize & 15]);
    let mut fd: Vec<u8> = (0..frac_digits.min(13))
        .map(|i| digits[((f >> (4 * (frac_digits.min(13) - 1 - i))) & 15) as usize])
        .collect();
    match prec {
        None => {
            while fd.last() == Some(&b'0') {
                fd.pop();
            }
        }
        Some(p) => fd.resize(p, b'0'),
    }
    if !fd.is_empty() || alt {
        body.push(b'.');
    }
    body.extend_from_slice(&fd);
    body.push(if upper { b'P' } else { b'p' });
    body.push(if exp < 0 { b'-' } else { b'+' });
    let mut buf = [0u8; 24];
    body.extend_from_slice(unsigned_digits(
        &mut buf,
        exp.unsigned_abs() as u64,
        10,
        false,
    ));
}

/// Lays out `sign prefix body` in the field width: spaces on the left (or on
/// the right with `-`), or zeros between the prefix and the body with `0`.
fn pad(out: &mut Vec<u8>, spec: &Spec, sign: &[u8], prefix: &[u8], body: &[u8]) {
    let len = sign.len() + prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.extend_from_slice(sign);
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if spec.zero {
        out.extend_from_slice(sign);
        out.extend_from_slice(prefix);
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(sign);
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

/// Appends the integer `n` formatted with conversion `conv` (one of
/// `d i u o x X c`) to `out`, as glibc's `printf` does with the `ll` length
/// modifier. `u o x X` print the two's-complement bits as unsigned; `c`
/// writes the low byte.
pub fn format_int(out: &mut Vec<u8>, spec: &Spec, conv: u8, n: i64) {
    if conv == b'c' {
        let nospec = Spec {
            zero: false,
            ..*spec
        };
        pad(out, &nospec, b"", b"", &[n as u8]);
        return;
    }
    let signed = matches!(conv, b'd' | b'i');
    let sign: &[u8] = if signed && n < 0 {
        b"-"
    } else if signed && spec.plus {
        b"+"
    } else if signed && spec.space {
        b" "
    } else {
        b""
    };
    let u = if signed { n.unsigned_abs() } else { n as u64 };
    let mut buf = [0u8; 24];
    let base = match conv {
        b'o' => 8,
        b'x' | b'X' => 16,
        _ => 10,
    };
    let raw = unsigned_digits(&mut buf, u, base, conv == b'X');
    if *spec == Spec::default() {
        // The plain `%d`/`%x`: no layout to do.
        out.extend_from_slice(sign);
        out.extend_from_slice(raw);
        return;
    }
    let mut digits = raw.to_vec();
    if let Some(p) = spec.precision {
        if p == 0 && u == 0 {
            digits.clear();
        }
        if digits.len() < p {
            let mut z = vec![b'0'; p - digits.len()];
            z.extend_from_slice(&digits);
            digits = z;
        }
    }
    let mut prefix: &[u8] = b"";
    if spec.alt {
        match conv {
            // '#' with 'o' makes the first digit a zero.
            b'o' if digits.first() != Some(&b'0') => digits.insert(0, b'0'),
            b'x' if u != 0 => prefix = b"0x",
            b'X' if u != 0 => prefix = b"0X",
            _ => {}
        }
    }
    // A precision disables the '0' flag for integer conversions.
    let eff = Spec {
        zero: spec.zero && spec.precision.is_none(),
        ..*spec
    };
    pad(out, &eff, sign, prefix, &digits);
}

/// Appends `s` laid out as `%s` with the spec's width, precision and `-`.
pub fn format_str(out: &mut Vec<u8>, spec: &Spec, s: &[u8]) {
    let s = match spec.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    let nospec = Spec {
        zero: false,
        ..*spec
    };
    pad(out, &nospec, b"", b"", s);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_of(s: &str) -> (Spec, u8) {
        // Tiny parser for test specs like "-08.3"; the conversion is last.
        let b = s.as_bytes();
        let mut sp = Spec::default();
        let mut i = 0;
        while i < b.len() && b"-+ #0".contains(&b[i]) {
            match b[i] {
                b'-' => sp.left = true,
                b'+' => sp.plus = true,
                b' ' => sp.space = true,
                b'#' => sp.alt = true,
                _ => sp.zero = true,
            }
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            sp.width = sp.width * 10 + (b[i] - b'0') as usize;
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let mut p = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                p = p * 10 + (b[i] - b'0') as usize;
                i += 1;
            }
            sp.precision = Some(p);
        }
        (sp, b[b.len() - 1])
    }

    fn ff(s: &str, x: f64) -> String {
        let (sp, c) = spec_of(s);
        let mut out = Vec::new();
        format_float(&mut out, &sp, c, x);
        String::from_utf8(out).unwrap()
    }

    fn fi(s: &str, n: i64) -> String {
        let (sp, c) = spec_of(s);
        let mut out = Vec::new();
        format_int(&mut out, &sp, c, n);
        String::from_utf8(out).unwrap()
    }

    const NAN_NEG: f64 = -f64::NAN;

    #[test]
    fn tostring_rules() {
        // Expected values from lua5.4's tostring.
        let cases: &[(f64, &str)] = &[
            (1e15, "1e+15"),
            (1e16, "1e+16"),
            (-0.0, "-0.0"),
            (2f64.powi(53), "9.007199254741e+15"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (NAN_NEG, "-nan"),
            (f64::NAN, "nan"),
            (3.0, "3.0"),
            (-3.5, "-3.5"),
            (1e100, "1e+100"),
            (2f64.powi(63), "9.2233720368548e+18"),
            (123.456, "123.456"),
            (-1.5e-7, "-1.5e-07"),
        ];
        for &(x, want) in cases {
            assert_eq!(number_to_string(x), want, "{x:?}");
        }
    }

    #[test]
    fn hex_floats_as_glibc() {
        let vals = [
            1.5,
            1.03125, // 0x1.08p0
            1.09375, // 0x1.18p0
            1.9,
            0.0,
            -0.0,
            4.9e-324,
            2.2250738585072014e-308,
            1e300,
            0.1,
        ];
        let want: &[(&str, [&str; 10])] = &[
            (
                ".0a",
                [
                    "0x2p+0",
                    "0x1p+0",
                    "0x1p+0",
                    "0x2p+0",
                    "0x0p+0",
                    "-0x0p+0",
                    "0x0p-1022",
                    "0x1p-1022",
                    "0x1p+996",
                    "0x2p-4",
                ],
            ),
            (
                ".1a",
                [
                    "0x1.8p+0",
                    "0x1.0p+0",
                    "0x1.2p+0",
                    "0x1.ep+0",
                    "0x0.0p+0",
                    "-0x0.0p+0",
                    "0x0.0p-1022",
                    "0x1.0p-1022",
                    "0x1.8p+996",
                    "0x1.ap-4",
                ],
            ),
            (
                "a",
                [
                    "0x1.8p+0",
                    "0x1.08p+0",
                    "0x1.18p+0",
                    "0x1.e666666666666p+0",
                    "0x0p+0",
                    "-0x0p+0",
                    "0x0.0000000000001p-1022",
                    "0x1p-1022",
                    "0x1.7e43c8800759cp+996",
                    "0x1.999999999999ap-4",
                ],
            ),
            (
                "#.0a",
                [
                    "0x2.p+0",
                    "0x1.p+0",
                    "0x1.p+0",
                    "0x2.p+0",
                    "0x0.p+0",
                    "-0x0.p+0",
                    "0x0.p-1022",
                    "0x1.p-1022",
                    "0x1.p+996",
                    "0x2.p-4",
                ],
            ),
            (
                "020a",
                [
                    "0x0000000000001.8p+0",
                    "0x000000000001.08p+0",
                    "0x000000000001.18p+0",
                    "0x1.e666666666666p+0",
                    "0x000000000000000p+0",
                    "-0x00000000000000p+0",
                    "0x0.0000000000001p-1022",
                    "0x000000000001p-1022",
                    "0x1.7e43c8800759cp+996",
                    "0x1.999999999999ap-4",
                ],
            ),
        ];
        for (spec, outs) in want {
            for (v, w) in vals.iter().zip(outs.iter()) {
                assert_eq!(ff(spec, *v), *w, "%{spec} of {v:?}");
            }
        }
        assert_eq!(ff("A", 1.9), "0X1.E666666666666P+0");
        assert_eq!(ff("+a", 1.5), "+0x1.8p+0");
        assert_eq!(ff(" a", 1.5), " 0x1.8p+0");
        assert_eq!(ff("-12a", 1.5), "0x1.8p+0    ");
        assert_eq!(ff("a", f64::INFINITY), "inf");
        assert_eq!(ff("A", NAN_NEG), "-NAN");
        assert_eq!(ff("+a", f64::NAN), "+nan");
    }

    #[test]
    fn hex_float_rounding_as_glibc() {
        // print(string.format("%.0a %.1a %.2a %.12a %.13a %.20a %#a %a", x, ...))
        // in lua5.4 for each x.
        let cases: &[(f64, &str)] = &[
            (
                f64::from_bits(0x000f_ffff_ffff_ffff),
                "0x1p-1022 0x1.0p-1022 0x1.00p-1022 0x1.000000000000p-1022 0x0.fffffffffffffp-1022 0x0.fffffffffffff0000000p-1022 0x0.fffffffffffffp-1022 0x0.fffffffffffffp-1022",
            ),
            (
                1.96875,
                "0x2p+0 0x2.0p+0 0x1.f8p+0 0x1.f80000000000p+0 0x1.f800000000000p+0 0x1.f8000000000000000000p+0 0x1.f8p+0 0x1.f8p+0",
            ),
            (
                f64::from_bits(0x3fff_ffff_ffff_ffff),
                "0x2p+0 0x2.0p+0 0x2.00p+0 0x2.000000000000p+0 0x1.fffffffffffffp+0 0x1.fffffffffffff0000000p+0 0x1.fffffffffffffp+0 0x1.fffffffffffffp+0",
            ),
            (
                f64::from_bits(0x3ff0_0000_0000_0001),
                "0x1p+0 0x1.0p+0 0x1.00p+0 0x1.000000000000p+0 0x1.0000000000001p+0 0x1.00000000000010000000p+0 0x1.0000000000001p+0 0x1.0000000000001p+0",
            ),
            (
                1.0 + f64::EPSILON / 2.0,
                "0x1p+0 0x1.0p+0 0x1.00p+0 0x1.000000000000p+0 0x1.0000000000000p+0 0x1.00000000000000000000p+0 0x1.p+0 0x1p+0",
            ),
            (
                -f64::from_bits(2),
                "-0x0p-1022 -0x0.0p-1022 -0x0.00p-1022 -0x0.000000000000p-1022 -0x0.0000000000002p-1022 -0x0.00000000000020000000p-1022 -0x0.0000000000002p-1022 -0x0.0000000000002p-1022",
            ),
            (
                f64::from_bits(1),
                "0x0p-1022 0x0.0p-1022 0x0.00p-1022 0x0.000000000000p-1022 0x0.0000000000001p-1022 0x0.00000000000010000000p-1022 0x0.0000000000001p-1022 0x0.0000000000001p-1022",
            ),
            (
                f64::from_bits(0x7fef_f000_0000_0000),
                "0x2p+1023 0x2.0p+1023 0x1.ffp+1023 0x1.ff0000000000p+1023 0x1.ff00000000000p+1023 0x1.ff000000000000000000p+1023 0x1.ffp+1023 0x1.ffp+1023",
            ),
        ];
        for &(x, want) in cases {
            let got: Vec<String> = [".0a", ".1a", ".2a", ".12a", ".13a", ".20a", "#a", "a"]
                .iter()
                .map(|s| ff(s, x))
                .collect();
            assert_eq!(got.join(" "), want, "{x:?}");
        }
    }

    #[test]
    fn decimal_floats_as_glibc() {
        let cases: &[(&str, f64, &str)] = &[
            (".0f", 0.5, "0"),
            (".0f", 1.5, "2"),
            (".0f", 2.5, "2"),
            (".0f", 3.5, "4"),
            (".1f", 0.25, "0.2"),
            (".2e", 1.125, "1.12e+00"),
            (".0e", 2.5, "2e+00"),
            ("g", 100000.0, "100000"),
            ("g", 1000000.0, "1e+06"),
            ("g", 1e-4, "0.0001"),
            ("g", 1e-5, "1e-05"),
            ("g", 0.0, "0"),
            ("#g", 1.0, "1.00000"),
            ("#.0g", 1.0, "1."),
            (".0g", 123.0, "1e+02"),
            ("g", f64::INFINITY, "inf"),
            ("G", NAN_NEG, "-NAN"),
            ("e", 12345.678, "1.234568e+04"),
            ("E", -0.000123, "-1.230000E-04"),
            ("f", 1e15, "1000000000000000.000000"),
            ("10.3f", 3.14158, "     3.142"),
            ("-10.3f", 3.14158, "3.142     "),
            ("010.3f", -3.14158, "-00003.142"),
            ("+.3e", 0.0, "+0.000e+00"),
            (" .3e", 5e-300, " 5.000e-300"),
            ("010f", f64::INFINITY, "       inf"),
            ("-010f", NAN_NEG, "-nan      "),
            ("010e", f64::NEG_INFINITY, "      -inf"),
            ("5.1f", NAN_NEG, " -nan"),
            ("05.1f", f64::NAN, "  nan"),
            (".3g", 0.0001234567, "0.000123"),
            (".10g", 2f64.powi(53), "9.007199255e+15"),
            ("g", 1e-300, "1e-300"),
            ("g", 123456789.0, "1.23457e+08"),
            ("g", 0.1, "0.1"),
            ("#.3g", 1e10, "1.00e+10"),
            ("g", -0.0, "-0"),
            (".20g", 0.1, "0.10000000000000000555"),
            ("5.1g", 9.96, "1e+01"),
            ("-8.2e", 1.5, "1.50e+00"),
            ("+08.2f", 2.345, "+0002.35"),
            ("#.0f", 3.0, "3."),
            ("#.0e", 3.0, "3.e+00"),
            (".0e", 1e300, "1e+300"),
            ("g", 5e-324, "4.94066e-324"),
            ("g", f64::MAX, "1.79769e+308"),
            (".17g", 5e-324, "4.9406564584124654e-324"),
            (".17g", f64::MAX, "1.7976931348623157e+308"),
            (
                ".50e",
                5e-324,
                "4.94065645841246544176568792868221372365059802614325e-324",
            ),
            (
                ".99f",
                1.0 / 3.0,
                "0.333333333333333314829616256247390992939472198486328125000000000000000000000000000000000000000000000",
            ),
        ];
        for &(spec, x, want) in cases {
            assert_eq!(ff(spec, x), want, "%{spec} of {x:?}");
        }
    }

    #[test]
    fn integers_as_glibc() {
        let cases: &[(&str, i64, &str)] = &[
            ("x", 255, "ff"),
            ("X", 255, "FF"),
            ("o", 8, "10"),
            ("#x", 255, "0xff"),
            ("#o", 8, "010"),
            ("#X", 0, "0"),
            ("5.3d", 7, "  007"),
            ("-5d", 3, "3    "),
            ("05d", -42, "-0042"),
            ("+d", 5, "+5"),
            (" d", 5, " 5"),
            (".0d", 0, ""),
            ("u", 7, "7"),
            ("i", 9, "9"),
            ("#x", 0, "0"),
            ("#o", 0, "0"),
            (".0o", 0, ""),
            ("#.0o", 0, "0"),
            ("#5x", 1, "  0x1"),
            ("-#8x", 1, "0x1     "),
            ("08.3d", -5, "    -005"),
            ("x", -1, "ffffffffffffffff"),
            ("d", i64::MIN, "-9223372036854775808"),
            ("5c", 65, "    A"),
            ("-3c", 66, "B  "),
        ];
        for &(spec, n, want) in cases {
            assert_eq!(fi(spec, n), want, "%{spec} of {n}");
        }
    }

    #[test]
    fn strings_with_width_and_precision() {
        let mut out = Vec::new();
        let (sp, _) = spec_of("5.2s");
        format_str(&mut out, &sp, b"abc");
        out.push(b'|');
        let (sp, _) = spec_of("-5s");
        format_str(&mut out, &sp, b"x");
        out.push(b'|');
        let (sp, _) = spec_of(".0s");
        format_str(&mut out, &sp, b"zz");
        assert_eq!(out, b"   ab|x    |");
    }
}
