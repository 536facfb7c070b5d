//! The `string.format` engine: parses the format string as lstrlib.c does,
//! pulls each argument through [`FormatArgs`], and lays it out with
//! [`number_fmt`](super::number_fmt).
//!
//! The parsing mirrors lua5.4 step by step, because the order of the checks
//! decides which error a bad call reports: the argument count is checked
//! first ("no value"), then the specification's length ("invalid format
//! (too long)"), then, per conversion, the argument and the flags in the
//! same order as `str_format` (`%d` converts its argument before validating
//! flags, `%c` and `%a` validate first). A specification is valid when it is
//! `%`, the flags that conversion accepts (any order, repeated), a width of
//! at most two digits not starting with `0`, optionally `.` and a precision
//! of at most two digits, and the conversion letter.

use super::number_fmt::{Spec, format_float, format_int, format_str};

/// Valid flags for `a A e E f g G` (`L_FMTFLAGSF`).
const FLAGS_F: &[u8] = b"-+#0 ";
/// Valid flags for `o x X` (`L_FMTFLAGSX`).
const FLAGS_X: &[u8] = b"-#0";
/// Valid flags for `d i` (`L_FMTFLAGSI`).
const FLAGS_I: &[u8] = b"-+0 ";
/// Valid flags for `u` (`L_FMTFLAGSU`).
const FLAGS_U: &[u8] = b"-0";
/// Valid flags for `c p s` (`L_FMTFLAGSC`).
const FLAGS_C: &[u8] = b"-";
/// Maximum length of a specification, as `MAX_FORMAT` in lstrlib.c.
const MAX_FORMAT: usize = 32;

/// What `%q` writes for an argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal<S> {
    /// A string: quoted with escapes.
    Str(S),
    /// An integer: decimal (hex for `math.mininteger`).
    Int(i64),
    /// A float: hexadecimal, `1e9999`, `-1e9999` or `(0/0)`.
    Float(f64),
    /// `nil`, `true` or `false`: their `tostring` text, written as is.
    Plain(&'static str),
    /// Any other value: "value has no literal form".
    NoLiteral,
}

/// How the engine reads the arguments after the format string. `arg` is the
/// Lua argument number (2 is the first value after the format string), so
/// an implementation raises "bad argument #arg to 'format' (...)" itself.
pub trait FormatArgs {
    /// The runtime's error value.
    type Error;
    /// A string the runtime produced (its own handle, or bytes).
    type Str: AsRef<[u8]>;
    /// How many arguments follow the format string.
    fn arg_count(&self) -> usize;
    /// `luaL_checkinteger`: an integer, a float with an exact integer value,
    /// or a string convertible to one.
    fn integer(&mut self, arg: usize) -> Result<i64, Self::Error>;
    /// `luaL_checknumber`: a number or a string convertible to one.
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;
    /// `luaL_tolstring`: the value as `tostring` shows it (`__tostring`,
    /// `__name`).
    fn tostring(&mut self, arg: usize) -> Result<Self::Str, Self::Error>;
    /// The value's literal form for `%q`.
    fn literal(&mut self, arg: usize) -> Result<Literal<Self::Str>, Self::Error>;
    /// `lua_topointer`: an identity for `%p` (`None` for values without
    /// one: numbers, booleans, nil).
    fn pointer(&mut self, arg: usize) -> Result<Option<usize>, Self::Error>;
}

/// Why `format` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError<E> {
    /// The argument reader failed (its own "bad argument" error).
    Arg(E),
    /// `luaL_argerror(arg, msg)`: the runtime words it as "bad argument
    /// #arg to 'format' (msg)".
    BadArgument {
        /// The Lua argument number.
        arg: usize,
        /// The parenthesised reason ("no value", ...).
        msg: &'static str,
    },
    /// `luaL_error(msg)`: a message the runtime raises with its position
    /// prefix. Bytes, because it can quote the format string.
    Message(Vec<u8>),
}

fn msg<T, E>(m: Vec<u8>) -> Result<T, FormatError<E>> {
    Err(FormatError::Message(m))
}

/// Runs `string.format(fmt, ...)` over `args`.
///
/// ```
/// use lua_runtime::strlib::format::{format, FormatArgs, Literal};
/// struct Nums(Vec<f64>);
/// impl FormatArgs for Nums {
///     type Error = String;
///     type Str = String;
///     fn arg_count(&self) -> usize { self.0.len() }
///     fn integer(&mut self, a: usize) -> Result<i64, String> { Ok(self.0[a - 2] as i64) }
///     fn number(&mut self, a: usize) -> Result<f64, String> { Ok(self.0[a - 2]) }
///     fn tostring(&mut self, a: usize) -> Result<String, String> { Ok(self.0[a - 2].to_string()) }
///     fn literal(&mut self, a: usize) -> Result<Literal<String>, String> { Ok(Literal::Float(self.0[a - 2])) }
///     fn pointer(&mut self, _: usize) -> Result<Option<usize>, String> { Ok(None) }
/// }
/// let out = format(b"%5.2f|%d|%q", &mut Nums(vec![3.14159, 42.0, 0.5])).unwrap();
/// assert_eq!(out, b" 3.14|42|0x1p-1");
/// ```
pub fn format<A: FormatArgs>(fmt: &[u8], args: &mut A) -> Result<Vec<u8>, FormatError<A::Error>> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut i = 0;
    let mut arg = 1usize;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        arg += 1;
        if arg > args.arg_count() + 1 {
            return Err(FormatError::BadArgument {
                arg,
                msg: "no value",
            });
        }
        // getformat: span flags, digits and '.', then the conversion byte.
        let span = fmt[i..]
            .iter()
            .take_while(|b| b"-+#0 123456789.".contains(b))
            .count();
        let len = span + 1;
        if len >= MAX_FORMAT - 10 {
            return msg(b"invalid format (too long)".to_vec());
        }
        let end = (i + len).min(fmt.len());
        // The specification with its '%' (which is `fmt[i - 1]`).
        let form = &fmt[i - 1..end];
        let conv = fmt.get(i + span).copied().unwrap_or(0);
        i = end;
        let modifiers: &[u8] = if form.len() > 2 {
            &form[1..form.len() - 1]
        } else {
            &[]
        };
        match conv {
            b'c' => {
                let spec = check_format(form, FLAGS_C, false)?;
                let n = args.integer(arg).map_err(FormatError::Arg)?;
                format_int(&mut out, &spec, b'c', n as i32 as i64);
            }
            b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
                let flags = match conv {
                    b'd' | b'i' => FLAGS_I,
                    b'u' => FLAGS_U,
                    _ => FLAGS_X,
                };
                let n = args.integer(arg).map_err(FormatError::Arg)?;
                let spec = check_format(form, flags, true)?;
                format_int(&mut out, &spec, conv, n);
            }
            b'a' | b'A' => {
                let spec = check_format(form, FLAGS_F, true)?;
                let x = args.number(arg).map_err(FormatError::Arg)?;
                format_float(&mut out, &spec, conv, x);
            }
            b'f' | b'e' | b'E' | b'g' | b'G' => {
                let x = args.number(arg).map_err(FormatError::Arg)?;
                let spec = check_format(form, FLAGS_F, true)?;
                format_float(&mut out, &spec, conv, x);
            }
            b'p' => {
                let p = args.pointer(arg).map_err(FormatError::Arg)?;
                let spec = check_format(form, FLAGS_C, false)?;
                match p {
                    Some(p) => format_str(&mut out, &spec, format!("{p:#x}").as_bytes()),
                    None => format_str(&mut out, &spec, b"(null)"),
                }
            }
            b'q' => {
                if !modifiers.is_empty() {
                    return msg(b"specifier '%q' cannot have modifiers".to_vec());
                }
                match args.literal(arg).map_err(FormatError::Arg)? {
                    Literal::Str(s) => add_quoted(&mut out, s.as_ref()),
                    Literal::Int(n) => quote_int(&mut out, n),
                    Literal::Float(x) => quote_float(&mut out, x),
                    Literal::Plain(s) => out.extend_from_slice(s.as_bytes()),
                    Literal::NoLiteral => {
                        return Err(FormatError::BadArgument {
                            arg,
                            msg: "value has no literal form",
                        });
                    }
                }
            }
            b's' => {
                let s = args.tostring(arg).map_err(FormatError::Arg)?;
                let s = s.as_ref();
                if modifiers.is_empty() {
                    out.extend_from_slice(s);
                } else {
                    if s.contains(&0) {
                        return Err(FormatError::BadArgument {
                            arg,
                            msg: "string contains zeros",
                        });
                    }
                    let spec = check_format(form, FLAGS_C, true)?;
                    if spec.precision.is_none() && s.len() >= 100 {
                        // Too long for C's buffer: lua5.4 keeps it whole.
                        out.extend_from_slice(s);
                    } else {
                        format_str(&mut out, &spec, s);
                    }
                }
            }
            _ => {
                let mut m = b"invalid conversion '".to_vec();
                // C sees the specification as a C string: it ends at a NUL.
                m.extend(form.iter().take_while(|&&b| b != 0));
                m.extend_from_slice(b"' to 'format'");
                return msg(m);
            }
        }
    }
    Ok(out)
}

/// lstrlib's `checkformat`: validates `form` (`%`, flags, width, precision,
/// conversion) against the accepted `flags` and returns the parsed spec.
fn check_format<E>(form: &[u8], flags: &[u8], precision: bool) -> Result<Spec, FormatError<E>> {
    let mut spec = Spec::default();
    let mut i = 1;
    while i < form.len() && flags.contains(&form[i]) {
        match form[i] {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            _ => spec.zero = true,
        }
        i += 1;
    }
    let two_digits = |i: &mut usize| {
        let mut n = 0usize;
        for _ in 0..2 {
            match form.get(*i) {
                Some(d) if d.is_ascii_digit() => {
                    n = n * 10 + (d - b'0') as usize;
                    *i += 1;
                }
                _ => break,
            }
        }
        n
    };
    if form.get(i) != Some(&b'0') {
        spec.width = two_digits(&mut i);
        if form.get(i) == Some(&b'.') && precision {
            i += 1;
            spec.precision = Some(two_digits(&mut i));
        }
    }
    if !form.get(i).is_some_and(u8::is_ascii_alphabetic) {
        let mut m = b"invalid conversion specification: '".to_vec();
        m.extend_from_slice(form);
        m.push(b'\'');
        return msg(m);
    }
    Ok(spec)
}

/// `%q` of a string: quoted, with `"`, `\` and newline escaped by a
/// backslash and other control bytes as decimal escapes (three digits when a
/// digit follows, so the literal reads back the same).
pub fn add_quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for (k, &c) in s.iter().enumerate() {
        if c == b'"' || c == b'\\' || c == b'\n' {
            out.push(b'\\');
            out.push(c);
        } else if c.is_ascii_control() {
            let next_digit = s.get(k + 1).is_some_and(u8::is_ascii_digit);
            let esc = if next_digit {
                format!("\\{c:03}")
            } else {
                format!("\\{c}")
            };
            out.extend_from_slice(esc.as_bytes());
        } else {
            out.push(c);
        }
    }
    out.push(b'"');
}

/// `%q` of an integer: decimal, except `math.mininteger`, whose decimal
/// form would read back as a float, in hexadecimal.
pub fn quote_int(out: &mut Vec<u8>, n: i64) {
    if n == i64::MIN {
        out.extend_from_slice(b"0x8000000000000000");
    } else {
        out.extend_from_slice(n.to_string().as_bytes());
    }
}

/// `%q` of a float: hexadecimal `%a` (exact), or the fixed spellings for
/// the values no numeral denotes.
pub fn quote_float(out: &mut Vec<u8>, x: f64) {
    if x == f64::INFINITY {
        out.extend_from_slice(b"1e9999");
    } else if x == f64::NEG_INFINITY {
        out.extend_from_slice(b"-1e9999");
    } else if x.is_nan() {
        out.extend_from_slice(b"(0/0)");
    } else {
        format_float(out, &Spec::default(), b'a', x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test argument: the few shapes the engine distinguishes.
    #[derive(Clone, Debug)]
    enum V {
        I(i64),
        F(f64),
        S(&'static [u8]),
        Nil,
        Bool(bool),
        Table,
    }

    struct Args(Vec<V>);

    impl FormatArgs for Args {
        type Error = String;
        type Str = Vec<u8>;
        fn arg_count(&self) -> usize {
            self.0.len()
        }
        fn integer(&mut self, arg: usize) -> Result<i64, String> {
            match self.0[arg - 2] {
                V::I(n) => Ok(n),
                V::F(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(f as i64),
                V::F(_) => Err(format!(
                    "bad argument #{arg} (number has no integer representation)"
                )),
                _ => Err(format!("bad argument #{arg} (number expected)")),
            }
        }
        fn number(&mut self, arg: usize) -> Result<f64, String> {
            match self.0[arg - 2] {
                V::I(n) => Ok(n as f64),
                V::F(f) => Ok(f),
                _ => Err(format!("bad argument #{arg} (number expected)")),
            }
        }
        fn tostring(&mut self, arg: usize) -> Result<Vec<u8>, String> {
            Ok(match &self.0[arg - 2] {
                V::I(n) => n.to_string().into_bytes(),
                V::F(f) => crate::strlib::number_fmt::number_to_string(*f).into_bytes(),
                V::S(s) => s.to_vec(),
                V::Nil => b"nil".to_vec(),
                V::Bool(b) => b.to_string().into_bytes(),
                V::Table => b"table: 0x1".to_vec(),
            })
        }
        fn literal(&mut self, arg: usize) -> Result<Literal<Vec<u8>>, String> {
            Ok(match &self.0[arg - 2] {
                V::I(n) => Literal::Int(*n),
                V::F(f) => Literal::Float(*f),
                V::S(s) => Literal::Str(s.to_vec()),
                V::Nil => Literal::Plain("nil"),
                V::Bool(true) => Literal::Plain("true"),
                V::Bool(false) => Literal::Plain("false"),
                V::Table => Literal::NoLiteral,
            })
        }
        fn pointer(&mut self, arg: usize) -> Result<Option<usize>, String> {
            Ok(match self.0[arg - 2] {
                V::Table => Some(0x55aa10),
                _ => None,
            })
        }
    }

    fn f(fmt: &str, args: &[V]) -> String {
        match format(fmt.as_bytes(), &mut Args(args.to_vec())) {
            Ok(out) => String::from_utf8_lossy(&out).into_owned(),
            Err(FormatError::Arg(e)) => format!("ARG {e}"),
            Err(FormatError::BadArgument { arg, msg }) => format!("bad argument #{arg} ({msg})"),
            Err(FormatError::Message(m)) => String::from_utf8_lossy(&m).into_owned(),
        }
    }

    use V::*;

    #[test]
    fn errors_as_lua() {
        // Expected values from lua5.4 (pcall(string.format, ...)).
        let cases: &[(&str, &[V], &str)] = &[
            ("%", &[], "bad argument #2 (no value)"),
            ("%", &[I(1)], "invalid conversion '%' to 'format'"),
            ("%\0", &[I(1)], "invalid conversion '%' to 'format'"),
            ("%5", &[I(1)], "invalid conversion '%5' to 'format'"),
            ("%y", &[I(1)], "invalid conversion '%y' to 'format'"),
            ("%10.3q", &[I(1)], "specifier '%q' cannot have modifiers"),
            ("%5q", &[S(b"a")], "specifier '%q' cannot have modifiers"),
            (
                "%q",
                &[Table],
                "bad argument #2 (value has no literal form)",
            ),
            ("%d", &[], "bad argument #2 (no value)"),
            ("%s %s", &[I(1)], "bad argument #3 (no value)"),
            (
                "%123d",
                &[I(1)],
                "invalid conversion specification: '%123d'",
            ),
            (
                "%1234d",
                &[I(1)],
                "invalid conversion specification: '%1234d'",
            ),
            (
                "%0000000000000000000000000d",
                &[I(1)],
                "invalid format (too long)",
            ),
            (
                "%-------------------------d",
                &[I(1)],
                "invalid format (too long)",
            ),
            (
                "%.123d",
                &[I(1)],
                "invalid conversion specification: '%.123d'",
            ),
            ("%#d", &[I(1)], "invalid conversion specification: '%#d'"),
            ("%+x", &[I(1)], "invalid conversion specification: '%+x'"),
            ("% u", &[I(1)], "invalid conversion specification: '% u'"),
            ("%#c", &[I(65)], "invalid conversion specification: '%#c'"),
            ("%.3c", &[I(65)], "invalid conversion specification: '%.3c'"),
            (
                "%05s",
                &[S(b"a")],
                "invalid conversion specification: '%05s'",
            ),
            ("%.3p", &[Table], "invalid conversion specification: '%.3p'"),
            ("%ld", &[I(1)], "invalid conversion '%l' to 'format'"),
            ("%F", &[I(1)], "invalid conversion '%F' to 'format'"),
            (
                "%10.3s|",
                &[S(b"a\0b")],
                "bad argument #2 (string contains zeros)",
            ),
            (
                "%.200s",
                &[S(b"x")],
                "invalid conversion specification: '%.200s'",
            ),
            (
                "%-+ #0d",
                &[I(1)],
                "invalid conversion specification: '%-+ #0d'",
            ),
            // The argument is converted before the flags are checked...
            ("%#d", &[S(b"x")], "ARG bad argument #2 (number expected)"),
            // ...but after them for %c and %a.
            ("%#c", &[S(b"x")], "invalid conversion specification: '%#c'"),
            (
                "%d",
                &[F(1.5)],
                "ARG bad argument #2 (number has no integer representation)",
            ),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(f(fmt, args), *want, "{fmt}");
        }
    }

    #[test]
    fn outputs_as_lua() {
        let cases: &[(&str, &[V], &str)] = &[
            ("%s|", &[S(b"a\0b")], "a\0b|"),
            (
                "%.99f",
                &[F(1e308)],
                concat!(
                    "100000000000000001097906362944045541740492309677311846336810682903157585404911491537163328978494688899061249669721172515611590283743140088328307009198146046031271664502933027185697489699588559043338384466165001178426897626212945177628091195786707458122783970171784415105291802893207873272974885715430223118336.",
                    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                ),
            ),
            ("%q", &[F(f64::INFINITY)], "1e9999"),
            ("%q", &[F(f64::NEG_INFINITY)], "-1e9999"),
            ("%q", &[F(f64::NAN)], "(0/0)"),
            ("%q", &[I(i64::MIN)], "0x8000000000000000"),
            ("%q", &[I(i64::MAX)], "9223372036854775807"),
            ("%q", &[F(0.1)], "0x1.999999999999ap-4"),
            ("%q", &[F(1.0)], "0x1p+0"),
            ("%q", &[F(-0.0)], "-0x0p+0"),
            ("%q", &[I(3)], "3"),
            (
                "%q %q %q",
                &[Nil, Bool(true), Bool(false)],
                "nil true false",
            ),
            ("%x", &[I(-1)], "ffffffffffffffff"),
            ("%5.1s|%-5.1s|", &[Bool(true), Nil], "    t|n    |"),
            ("%i", &[F(3.0)], "3"),
            ("%c%c%c", &[I(76), I(117), I(97)], "Lua"),
            ("%c", &[I(256 + 65)], "A"),
            ("%a", &[I(16)], "0x1p+4"),
            ("%.0f|%.f|%5.f", &[F(2.5), F(3.5), F(1.0)], "2|4|    1"),
            ("%00d", &[I(1)], "1"),
            ("%10.10d", &[I(1)], "0000000001"),
            ("%%%d%%", &[I(5)], "%5%"),
            ("%s %s %s", &[I(1), F(2.0), Table], "1 2.0 table: 0x1"),
            (
                "%p|%-10p|%p",
                &[Table, Table, I(1)],
                "0x55aa10|0x55aa10  |(null)",
            ),
            ("%8p|", &[Nil], "  (null)|"),
            (
                "%-5d|%5s|%-5s|",
                &[I(-3), S(b"ab"), S(b"ab")],
                "-3   |   ab|ab   |",
            ),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(f(fmt, args), *want, "{fmt}");
        }
        let long = "x".repeat(120);
        let long_s: &'static [u8] = Box::leak(long.clone().into_bytes().into_boxed_slice());
        assert_eq!(f("%5s", &[S(long_s)]), long);
        assert_eq!(f("%.3s", &[S(long_s)]), "xxx");
    }

    #[test]
    fn quoted_strings_as_lua() {
        let out = f("%q", &[S(b"a\0b\n\"\\\r\x001\x7f1\x80\xff")]);
        assert_eq!(
            out.as_bytes(),
            "\"a\\0b\\\n\\\"\\\\\\13\\0001\\1271\u{fffd}\u{fffd}\"".as_bytes()
        );
        let mut raw = Vec::new();
        add_quoted(&mut raw, b"\x80\xff\x01");
        assert_eq!(raw, b"\"\x80\xff\\1\"");
    }
}
