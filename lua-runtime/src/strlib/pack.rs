//! `string.pack`, `string.unpack` and `string.packsize`: the format-string
//! engine of lstrlib.c, independent of the runtime's values.
//!
//! A format is read one option at a time (`getoption`/`getdetails` in C):
//! each option has a kind, a size, and an alignment padding computed from
//! the running total (`!n` sets the maximum alignment, `X` aligns to the
//! next option's size without packing it). Sizes follow the C types of a
//! 64-bit Linux build of lua5.4: `h` 2, `i`/`I` 4, `l`/`L`/`j`/`J`/`T` 8,
//! `f` 4, `d`/`n` 8, native alignment 8, native byte order little-endian.
//! Integers of 9 to 16 bytes are sign- or zero-extended on pack and checked
//! for overflow on unpack. Errors carry lua5.4's wording and say whether
//! they are argument errors (and of which argument) or plain errors.

use std::convert::Infallible;

/// Largest integer size (`MAXINTSIZE`).
const MAXINTSIZE: usize = 16;
/// Size of a Lua integer (`SZINT`).
const SZINT: usize = 8;
/// Native maximum alignment (`offsetof(struct cD, u)`).
const NATIVE_ALIGN: usize = 8;
/// `MAXSIZE` in lstrlib.c: sizes are limited to C's `INT_MAX`.
const MAXSIZE: usize = i32::MAX as usize;

/// Why `pack`, `unpack` or `packsize` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError<E = Infallible> {
    /// The argument reader failed (its own "bad argument" error).
    Arg(E),
    /// `luaL_argerror(arg, msg)`: "bad argument #arg to 'pack' (msg)".
    BadArgument {
        /// The Lua argument number.
        arg: usize,
        /// The parenthesised reason.
        msg: &'static str,
    },
    /// `luaL_error(msg)`: raised with the caller's position prefix.
    Message(String),
}

fn bad<T, E>(arg: usize, msg: &'static str) -> Result<T, PackError<E>> {
    Err(PackError::BadArgument { arg, msg })
}

/// How `pack` reads its arguments. `arg` is the Lua argument number (2 is
/// the first value after the format string).
pub trait PackArgs {
    /// The runtime's error value.
    type Error;
    /// A string the runtime holds.
    type Str: AsRef<[u8]>;
    /// `luaL_checkinteger`.
    fn integer(&mut self, arg: usize) -> Result<i64, Self::Error>;
    /// `luaL_checknumber`.
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;
    /// `luaL_checklstring` (numbers are converted).
    fn string(&mut self, arg: usize) -> Result<Self::Str, Self::Error>;
}

/// One value produced by `unpack`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unpacked<'a> {
    /// An integer option.
    Int(i64),
    /// A float option.
    Float(f64),
    /// A string option: a slice of the data.
    Str(&'a [u8]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Uint,
    Float,
    Number,
    Double,
    Char,
    String,
    Zstr,
    Padding,
    PadAlign,
    Nop,
}

/// The format reader: position in the format, byte order, max alignment.
struct Header<'f> {
    fmt: &'f [u8],
    pos: usize,
    little: bool,
    maxalign: usize,
}

impl<'f> Header<'f> {
    fn new(fmt: &'f [u8]) -> Self {
        // The C code reads the format as a C string: it ends at a NUL.
        let end = fmt.iter().position(|&b| b == 0).unwrap_or(fmt.len());
        Header {
            fmt: &fmt[..end],
            pos: 0,
            little: cfg!(target_endian = "little"),
            maxalign: 1,
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.fmt.len()
    }

    fn getnum(&mut self, df: usize) -> usize {
        match self.fmt.get(self.pos) {
            Some(d) if d.is_ascii_digit() => {}
            _ => return df,
        }
        let mut a = 0usize;
        loop {
            a = a * 10 + (self.fmt[self.pos] - b'0') as usize;
            self.pos += 1;
            let more = self.fmt.get(self.pos).is_some_and(u8::is_ascii_digit);
            if !(more && a <= (MAXSIZE - 9) / 10) {
                return a;
            }
        }
    }

    fn getnumlimit<E>(&mut self, df: usize) -> Result<usize, PackError<E>> {
        let sz = self.getnum(df);
        if sz > MAXINTSIZE || sz == 0 {
            return Err(PackError::Message(format!(
                "integral size ({sz}) out of limits [1,{MAXINTSIZE}]"
            )));
        }
        Ok(sz)
    }

    fn getoption<E>(&mut self) -> Result<(Kind, usize), PackError<E>> {
        let opt = self.fmt[self.pos];
        self.pos += 1;
        Ok(match opt {
            b'b' => (Kind::Int, 1),
            b'B' => (Kind::Uint, 1),
            b'h' => (Kind::Int, 2),
            b'H' => (Kind::Uint, 2),
            b'l' | b'j' => (Kind::Int, 8),
            b'L' | b'J' | b'T' => (Kind::Uint, 8),
            b'f' => (Kind::Float, 4),
            b'n' => (Kind::Number, 8),
            b'd' => (Kind::Double, 8),
            b'i' => (Kind::Int, self.getnumlimit(4)?),
            b'I' => (Kind::Uint, self.getnumlimit(4)?),
            b's' => (Kind::String, self.getnumlimit(8)?),
            b'c' => match self.fmt.get(self.pos) {
                Some(d) if d.is_ascii_digit() => (Kind::Char, self.getnum(0)),
                _ => {
                    return Err(PackError::Message(
                        "missing size for format option 'c'".into(),
                    ));
                }
            },
            b'z' => (Kind::Zstr, 0),
            b'x' => (Kind::Padding, 1),
            b'X' => (Kind::PadAlign, 0),
            b' ' => (Kind::Nop, 0),
            b'<' => {
                self.little = true;
                (Kind::Nop, 0)
            }
            b'>' => {
                self.little = false;
                (Kind::Nop, 0)
            }
            b'=' => {
                self.little = cfg!(target_endian = "little");
                (Kind::Nop, 0)
            }
            b'!' => {
                self.maxalign = self.getnumlimit(NATIVE_ALIGN)?;
                (Kind::Nop, 0)
            }
            _ => {
                return Err(PackError::Message(format!(
                    "invalid format option '{}'",
                    String::from_utf8_lossy(&[opt])
                )));
            }
        })
    }

    /// Next option with its size and the padding that aligns it at offset
    /// `total`.
    fn getdetails<E>(&mut self, total: usize) -> Result<(Kind, usize, usize), PackError<E>> {
        let (kind, size) = self.getoption()?;
        let mut align = size;
        if kind == Kind::PadAlign {
            if self.done() {
                return bad(1, "invalid next option for option 'X'");
            }
            let (next, nsize) = self.getoption()?;
            align = nsize;
            if next == Kind::Char || align == 0 {
                return bad(1, "invalid next option for option 'X'");
            }
        }
        if align <= 1 || kind == Kind::Char {
            return Ok((kind, size, 0));
        }
        let align = align.min(self.maxalign);
        if !align.is_power_of_two() {
            return bad(1, "format asks for alignment not power of 2");
        }
        let ntoalign = (align - (total & (align - 1))) & (align - 1);
        Ok((kind, size, ntoalign))
    }
}

fn pack_int(out: &mut Vec<u8>, n: u64, little: bool, size: usize, neg: bool) {
    let start = out.len();
    for i in 0..size {
        let byte = if i < SZINT {
            (n >> (8 * i)) as u8
        } else if neg {
            0xff
        } else {
            0
        };
        out.push(byte);
    }
    if !little {
        out[start..].reverse();
    }
}

fn push_endian(out: &mut Vec<u8>, le_bytes: &[u8], little: bool) {
    if little {
        out.extend_from_slice(le_bytes);
    } else {
        out.extend(le_bytes.iter().rev());
    }
}

fn reserve<E>(out: &mut Vec<u8>, n: usize) -> Result<(), PackError<E>> {
    if out.len().saturating_add(n) > MAXSIZE {
        return bad(1, "format result too large");
    }
    out.try_reserve(n)
        .map_err(|_| PackError::Message("not enough memory".into()))
}

/// `string.pack(fmt, ...)`.
///
/// ```
/// use lua_runtime::strlib::pack::{pack, unpack, PackArgs, Unpacked};
/// struct Ints(Vec<i64>);
/// impl PackArgs for Ints {
///     type Error = ();
///     type Str = Vec<u8>;
///     fn integer(&mut self, a: usize) -> Result<i64, ()> { self.0.get(a - 2).copied().ok_or(()) }
///     fn number(&mut self, a: usize) -> Result<f64, ()> { self.integer(a).map(|n| n as f64) }
///     fn string(&mut self, a: usize) -> Result<Vec<u8>, ()> { self.integer(a).map(|n| n.to_string().into_bytes()) }
/// }
/// let bytes = pack(b">i2 b", &mut Ints(vec![258, -1])).unwrap();
/// assert_eq!(bytes, [1, 2, 255]);
/// let (vals, next) = unpack(b">i2 b", &bytes, 1).unwrap();
/// assert_eq!(vals, [Unpacked::Int(258), Unpacked::Int(-1)]);
/// assert_eq!(next, 4);
/// ```
pub fn pack<A: PackArgs>(fmt: &[u8], args: &mut A) -> Result<Vec<u8>, PackError<A::Error>> {
    let mut h = Header::new(fmt);
    let mut out = Vec::new();
    let mut arg = 1usize;
    while !h.done() {
        let (kind, size, ntoalign) = h.getdetails(out.len())?;
        reserve(&mut out, ntoalign + size)?;
        out.resize(out.len() + ntoalign, 0);
        arg += 1;
        match kind {
            Kind::Int => {
                let n = args.integer(arg).map_err(PackError::Arg)?;
                if size < SZINT {
                    let lim = 1i64 << (size * 8 - 1);
                    if !(-lim <= n && n < lim) {
                        return bad(arg, "integer overflow");
                    }
                }
                pack_int(&mut out, n as u64, h.little, size, n < 0);
            }
            Kind::Uint => {
                let n = args.integer(arg).map_err(PackError::Arg)?;
                if size < SZINT && (n as u64) >= 1u64 << (size * 8) {
                    return bad(arg, "unsigned overflow");
                }
                pack_int(&mut out, n as u64, h.little, size, false);
            }
            Kind::Float => {
                let x = args.number(arg).map_err(PackError::Arg)? as f32;
                push_endian(&mut out, &x.to_le_bytes(), h.little);
            }
            Kind::Number | Kind::Double => {
                let x = args.number(arg).map_err(PackError::Arg)?;
                push_endian(&mut out, &x.to_le_bytes(), h.little);
            }
            Kind::Char => {
                let s = args.string(arg).map_err(PackError::Arg)?;
                let s = s.as_ref();
                if s.len() > size {
                    return bad(arg, "string longer than given size");
                }
                out.extend_from_slice(s);
                out.resize(out.len() + (size - s.len()), 0);
            }
            Kind::String => {
                let s = args.string(arg).map_err(PackError::Arg)?;
                let s = s.as_ref();
                if size < 8 && (s.len() as u64) >= 1u64 << (size * 8) {
                    return bad(arg, "string length does not fit in given size");
                }
                pack_int(&mut out, s.len() as u64, h.little, size, false);
                reserve(&mut out, s.len())?;
                out.extend_from_slice(s);
            }
            Kind::Zstr => {
                let s = args.string(arg).map_err(PackError::Arg)?;
                let s = s.as_ref();
                if s.contains(&0) {
                    return bad(arg, "string contains zeros");
                }
                reserve(&mut out, s.len() + 1)?;
                out.extend_from_slice(s);
                out.push(0);
            }
            Kind::Padding => {
                out.push(0);
                arg -= 1;
            }
            Kind::PadAlign | Kind::Nop => arg -= 1,
        }
    }
    Ok(out)
}

/// `string.packsize(fmt)`.
pub fn packsize(fmt: &[u8]) -> Result<i64, PackError> {
    let mut h = Header::new(fmt);
    let mut total = 0usize;
    while !h.done() {
        let (kind, size, ntoalign) = h.getdetails(total)?;
        if kind == Kind::String || kind == Kind::Zstr {
            return bad(1, "variable-length format");
        }
        let size = size + ntoalign;
        if total > MAXSIZE - size {
            return bad(1, "format result too large");
        }
        total += size;
    }
    Ok(total as i64)
}

fn unpack_int(bytes: &[u8], little: bool, signed: bool) -> Result<i64, PackError> {
    let size = bytes.len();
    let at = |i: usize| {
        if little {
            bytes[i]
        } else {
            bytes[size - 1 - i]
        }
    };
    let limit = size.min(SZINT);
    let mut res = 0u64;
    for i in (0..limit).rev() {
        res = (res << 8) | at(i) as u64;
    }
    if size < SZINT {
        if signed {
            let mask = 1u64 << (size * 8 - 1);
            res = (res ^ mask).wrapping_sub(mask);
        }
    } else if size > SZINT {
        let fill = if !signed || (res as i64) >= 0 {
            0
        } else {
            0xff
        };
        if (limit..size).any(|i| at(i) != fill) {
            return Err(PackError::Message(format!(
                "{size}-byte integer does not fit into Lua Integer"
            )));
        }
    }
    Ok(res as i64)
}

/// `string.unpack(fmt, data, init)`: the values and the next position (the
/// last result). `init` is Lua's 1-based (possibly negative) position.
pub fn unpack<'a>(
    fmt: &[u8],
    data: &'a [u8],
    init: i64,
) -> Result<(Vec<Unpacked<'a>>, i64), PackError> {
    let ld = data.len();
    let mut pos = super::pattern::posrelat_start(init, ld) - 1;
    if pos > ld {
        return bad(3, "initial position out of string");
    }
    let mut h = Header::new(fmt);
    let mut vals = Vec::new();
    while !h.done() {
        let (kind, size, ntoalign) = h.getdetails(pos)?;
        if ntoalign + size > ld - pos {
            return bad(2, "data string too short");
        }
        pos += ntoalign;
        let here = &data[pos..pos + size];
        match kind {
            Kind::Int | Kind::Uint => {
                vals.push(Unpacked::Int(unpack_int(
                    here,
                    h.little,
                    kind == Kind::Int,
                )?));
            }
            Kind::Float => {
                let mut b = [0u8; 4];
                b.copy_from_slice(here);
                if !h.little {
                    b.reverse();
                }
                vals.push(Unpacked::Float(f32::from_le_bytes(b) as f64));
            }
            Kind::Number | Kind::Double => {
                let mut b = [0u8; 8];
                b.copy_from_slice(here);
                if !h.little {
                    b.reverse();
                }
                vals.push(Unpacked::Float(f64::from_le_bytes(b)));
            }
            Kind::Char => vals.push(Unpacked::Str(here)),
            Kind::String => {
                let len = unpack_int(here, h.little, false)? as u64;
                if len > (ld - pos - size) as u64 {
                    return bad(2, "data string too short");
                }
                let start = pos + size;
                vals.push(Unpacked::Str(&data[start..start + len as usize]));
                pos += len as usize;
            }
            Kind::Zstr => {
                let len = data[pos..].iter().position(|&b| b == 0).unwrap_or(ld - pos);
                if pos + len >= ld {
                    return bad(2, "unfinished string for format 'z'");
                }
                vals.push(Unpacked::Str(&data[pos..pos + len]));
                pos += len + 1;
            }
            Kind::PadAlign | Kind::Padding | Kind::Nop => {}
        }
        pos += size;
    }
    Ok((vals, pos as i64 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug)]
    enum V {
        I(i64),
        F(f64),
        S(&'static [u8]),
    }

    struct Args(Vec<V>);

    impl PackArgs for Args {
        type Error = String;
        type Str = Vec<u8>;
        fn integer(&mut self, arg: usize) -> Result<i64, String> {
            match self.0.get(arg - 2) {
                Some(V::I(n)) => Ok(*n),
                Some(V::F(f)) if f.fract() == 0.0 => Ok(*f as i64),
                Some(V::F(_)) => Err("number has no integer representation".into()),
                Some(V::S(_)) => Err("number expected, got string".into()),
                None => Err("number expected, got nil".into()),
            }
        }
        fn number(&mut self, arg: usize) -> Result<f64, String> {
            match self.0.get(arg - 2) {
                Some(V::I(n)) => Ok(*n as f64),
                Some(V::F(f)) => Ok(*f),
                Some(V::S(_)) => Err("number expected, got string".into()),
                None => Err("number expected, got nil".into()),
            }
        }
        fn string(&mut self, arg: usize) -> Result<Vec<u8>, String> {
            match self.0.get(arg - 2) {
                Some(V::S(s)) => Ok(s.to_vec()),
                Some(V::I(n)) => Ok(n.to_string().into_bytes()),
                _ => Err("string expected".into()),
            }
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn p(fmt: &str, args: &[V]) -> String {
        match pack(fmt.as_bytes(), &mut Args(args.to_vec())) {
            Ok(b) => hex(&b),
            Err(e) => show_err(e),
        }
    }

    fn show_err<E: std::fmt::Debug>(e: PackError<E>) -> String {
        match e {
            PackError::Arg(e) => format!("ARG {e:?}"),
            PackError::BadArgument { arg, msg } => format!("bad argument #{arg} ({msg})"),
            PackError::Message(m) => m,
        }
    }

    fn ps(fmt: &str) -> String {
        match packsize(fmt.as_bytes()) {
            Ok(n) => n.to_string(),
            Err(e) => show_err(e),
        }
    }

    fn u(fmt: &str, data: &[u8], init: i64) -> String {
        match unpack(fmt.as_bytes(), data, init) {
            Ok((vals, next)) => {
                let mut parts: Vec<String> = vals
                    .iter()
                    .map(|v| match v {
                        Unpacked::Int(n) => n.to_string(),
                        Unpacked::Float(f) => crate::strlib::number_fmt::fmt_g14(*f),
                        Unpacked::Str(s) => String::from_utf8_lossy(s).into_owned(),
                    })
                    .collect();
                parts.push(next.to_string());
                parts.join(" ")
            }
            Err(e) => show_err(e),
        }
    }

    use V::*;

    #[test]
    fn pack_as_lua() {
        // Expected values from lua5.4 (hex of the packed string or the error).
        let cases: &[(&str, &[V], &str)] = &[
            ("i4", &[I(100)], "64000000"),
            (">i4", &[I(-2)], "fffffffe"),
            ("<i16", &[I(-2)], "feffffffffffffffffffffffffffffff"),
            (">I16", &[I(5)], "00000000000000000000000000000005"),
            ("i17", &[I(1)], "integral size (17) out of limits [1,16]"),
            ("i0", &[I(1)], "integral size (0) out of limits [1,16]"),
            ("b", &[I(128)], "bad argument #2 (integer overflow)"),
            ("b", &[I(-129)], "bad argument #2 (integer overflow)"),
            ("B", &[I(256)], "bad argument #2 (unsigned overflow)"),
            ("B", &[I(-1)], "bad argument #2 (unsigned overflow)"),
            ("h", &[I(40000)], "bad argument #2 (integer overflow)"),
            ("j", &[I(i64::MIN)], "0000000000000080"),
            ("J", &[I(-1)], "ffffffffffffffff"),
            ("f", &[F(1.5)], "0000c03f"),
            (">d", &[F(1.5)], "3ff8000000000000"),
            ("n", &[I(2)], "0000000000000040"),
            ("s1", &[S(b"hi")], "026869"),
            ("z", &[S(b"hi")], "686900"),
            (
                "z",
                &[S(b"h\0i")],
                "bad argument #2 (string contains zeros)",
            ),
            ("c5", &[S(b"hi")], "6869000000"),
            (
                "c1",
                &[S(b"hi")],
                "bad argument #2 (string longer than given size)",
            ),
            ("c", &[S(b"hi")], "missing size for format option 'c'"),
            ("!4 b i4", &[I(1), I(2)], "0100000002000000"),
            ("!b i4", &[I(1), I(2)], "0100000002000000"),
            ("b i4", &[I(1), I(2)], "0102000000"),
            (
                "!i3",
                &[I(1)],
                "bad argument #1 (format asks for alignment not power of 2)",
            ),
            (
                "!4 i3",
                &[I(1)],
                "bad argument #1 (format asks for alignment not power of 2)",
            ),
            ("!8 b Xi8 b", &[I(1), I(2)], "010000000000000002"),
            (
                "b X",
                &[I(1)],
                "bad argument #1 (invalid next option for option 'X')",
            ),
            (
                "b Xc1",
                &[I(1)],
                "bad argument #1 (invalid next option for option 'X')",
            ),
            (
                "b Xz",
                &[I(1)],
                "bad argument #1 (invalid next option for option 'X')",
            ),
            ("!4 b Xi16", &[I(1)], "01000000"),
            ("y", &[I(1)], "invalid format option 'y'"),
            ("b x b", &[I(1), I(2)], "010002"),
            ("i4", &[], "ARG \"number expected, got nil\""),
            (
                "i4",
                &[F(1.5)],
                "ARG \"number has no integer representation\"",
            ),
            ("<i3 >i3 =i3", &[I(1), I(1), I(1)], "010000000001010000"),
            ("i4\0i4", &[I(1), I(2)], "01000000"),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(p(fmt, args), *want, "{fmt:?}");
        }
        let long: &'static [u8] = Box::leak(vec![b'x'; 256].into_boxed_slice());
        assert_eq!(
            p("s1", &[S(long)]),
            "bad argument #2 (string length does not fit in given size)"
        );
    }

    #[test]
    fn packsize_as_lua() {
        assert_eq!(ps("i4 i8 !8 d"), "24");
        assert_eq!(ps("s"), "bad argument #1 (variable-length format)");
        assert_eq!(ps("z"), "bad argument #1 (variable-length format)");
        assert_eq!(ps("c2147483647"), "invalid format option '7'");
        assert_eq!(ps("c2147483647c1"), "invalid format option '7'");
        assert_eq!(ps("c2147483640 i8"), "invalid format option '0'");
        assert_eq!(ps("c99999999999"), "invalid format option '9'");
        assert_eq!(ps("!16 b Xi16 j"), "24");
        assert_eq!(ps("!17"), "integral size (17) out of limits [1,16]");
        assert_eq!(ps("c2147483 c2147483"), "4294966");
        assert_eq!(
            ps(&"c214748364".repeat(11)),
            "bad argument #1 (format result too large)"
        );
    }

    #[test]
    fn unpack_as_lua() {
        assert_eq!(u("i4", &[7, 0, 0, 0], 1), "7 5");
        assert_eq!(
            u("i4", b"abc", 1),
            "bad argument #2 (data string too short)"
        );
        assert_eq!(
            u("z", b"abc", 1),
            "bad argument #2 (unfinished string for format 'z')"
        );
        assert_eq!(u("z", b"abc\0de", 1), "abc 5");
        assert_eq!(
            u("s1", b"\x05ab", 1),
            "bad argument #2 (data string too short)"
        );
        assert_eq!(u("s1 s1", b"\x02ab\x01c", 1), "ab c 6");
        assert_eq!(u("i16", &[255; 16], 1), "-1 17");
        assert_eq!(
            u("I16", &[255; 16], 1),
            "16-byte integer does not fit into Lua Integer"
        );
        assert_eq!(
            u("i9", b"\x01\0\0\0\0\0\0\0\x01", 1),
            "9-byte integer does not fit into Lua Integer"
        );
        assert_eq!(
            u("i9", b"\x01\0\0\0\0\0\0\x80\xff", 1),
            "-9223372036854775807 10"
        );
        assert_eq!(u("i3", b"\xff\xff\xff", 1), "-1 4");
        assert_eq!(u("I3", b"\xff\xff\xff", 1), "16777215 4");
        assert_eq!(u("b", b"abc", 2), "98 3");
        assert_eq!(u("b", b"abc", -1), "99 4");
        assert_eq!(u("b", b"abc", 4), "bad argument #2 (data string too short)");
        assert_eq!(
            u("b", b"abc", 5),
            "bad argument #3 (initial position out of string)"
        );
        assert_eq!(u("", b"abc", 4), "4");
        assert_eq!(u("c2 c0", b"abc", 1), "ab  3");
        let fd = p("f d", &[F(0.1), F(0.1)]);
        let bytes: Vec<u8> = (0..fd.len() / 2)
            .map(|i| u8::from_str_radix(&fd[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert_eq!(u("f d", &bytes, 1), "0.10000000149012 0.1 13");
        assert_eq!(u("!4 b i4", &[1, 0, 0, 0, 2, 0, 0, 0], 1), "1 2 9");
        assert_eq!(u("b", b"", 1), "bad argument #2 (data string too short)");
        assert_eq!(
            u(">j", &[0x80, 0, 0, 0, 0, 0, 0, 0], 1),
            "-9223372036854775808 9"
        );
    }
}
