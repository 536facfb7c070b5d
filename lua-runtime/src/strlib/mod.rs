//! The string library's algorithms, independent of the runtime's values:
//! number formatting, `string.format`, Lua patterns, `string.pack`, and the
//! small helpers (`rep`, case mapping, position rules, UTF-8).
//!
//! Everything here works on byte slices, `i64` and `f64`, and reports errors
//! as plain data carrying lua5.4's wording (with whether it is an argument
//! error and of which argument), so the runtime wraps these functions over
//! its own `Value`/`State` (see `lib_string.rs`) and the algorithms are
//! tested on their own, against outputs recorded from lua5.4. What it is
//! not: it never touches a `Value`, allocates no Lua strings and calls no
//! Lua code; callbacks (`gsub`'s replacement, `format`'s argument reader,
//! `pack`'s argument reader) are the caller's closures and traits.
//!
//! | module | for |
//! |---|---|
//! | [`number_fmt`] | `%.14g` / `tostring` of floats, glibc-exact `printf` conversions |
//! | [`format`](mod@format) | `string.format`, through the [`format::FormatArgs`] trait |
//! | [`pattern`] | `find`, `match`, `gmatch`, `gsub` and their errors |
//! | [`pack`] | `string.pack`, `unpack`, `packsize` |
//! | [`bytes`] | `rep`, `sub`/`byte` positions, `lower`, `upper`, `reverse`, `char` |
//! | [`utf8`] | the `utf8` library's decoding, encoding and position rules |
//!
//! ```
//! use lua_runtime::strlib::{number_fmt, pattern};
//!
//! assert_eq!(number_fmt::number_to_string(0.1 + 0.2), "0.3");
//! let m = pattern::str_find(b"key = value", b"(%w+)%s*=%s*(%w+)", 1, false, false, &mut Default::default())
//!     .unwrap()
//!     .unwrap();
//! assert_eq!(m.values().unwrap().as_slice(), [pattern::Capture::Str(0, 3), pattern::Capture::Str(6, 11)]);
//! ```

pub mod bytes;
pub mod format;
pub mod number_fmt;
pub mod pack;
pub mod pattern;
pub mod utf8;

#[cfg(test)]
mod robustness {
    //! Random inputs through every engine: no panic, no hang. The outputs
    //! themselves were compared with lua5.4 by a differential fuzz run (see
    //! the unit tests of each module for the pinned cases).

    use super::format::{FormatArgs, Literal, format};
    use super::pack::{PackArgs, pack, packsize, unpack};
    use super::pattern::{GMatchState, Matcher, Meter, expand_replacement, gsub, str_find};

    /// xorshift64*: deterministic, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn bytes(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
            let n = self.below(max + 1);
            (0..n)
                .map(|_| alphabet[self.below(alphabet.len())])
                .collect()
        }
    }

    #[test]
    fn patterns_never_panic() {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let src = r.bytes(b"ab()x1 %-]\0\xff", 10);
            let pat = r.bytes(b"ab()x1%[]^$*+-?.dbfgsSAw0 \0", 14);
            let init = r.below(16) as i64 - 5;
            let _ = str_find(
                &src,
                &pat,
                init,
                false,
                r.below(2) == 0,
                &mut Meter::default(),
            );
            let mut g = GMatchState::new(src.len(), init);
            for _ in 0..20 {
                match g.next_match(&src, &pat, &mut Meter::default()) {
                    Ok(Some(m)) => {
                        let _ = m.values();
                    }
                    _ => break,
                }
            }
            let repl = r.bytes(b"%012x", 4);
            let _ = gsub::<()>(&src, &pat, None, &mut Meter::default(), |m, out| {
                expand_replacement(&repl, &src, m, out)?;
                Ok(true)
            });
            let mut m = Matcher::new(&src, &pat);
            m.set_step_limit(Some(10_000));
            let _ = m.match_at(0);
        }
    }

    struct Any(Vec<u8>);
    impl FormatArgs for Any {
        type Error = ();
        type Str = Vec<u8>;
        fn arg_count(&self) -> usize {
            3
        }
        fn integer(&mut self, _: usize) -> Result<i64, ()> {
            Ok(i64::from_le_bytes(
                [self.0.first().copied().unwrap_or(0); 8],
            ))
        }
        fn number(&mut self, arg: usize) -> Result<f64, ()> {
            Ok([f64::MAX, -0.0, 5e-324, f64::NAN, 0.1][arg % 5])
        }
        fn tostring(&mut self, _: usize) -> Result<Vec<u8>, ()> {
            Ok(self.0.clone())
        }
        fn literal(&mut self, _: usize) -> Result<Literal<Vec<u8>>, ()> {
            Ok(Literal::Str(self.0.clone()))
        }
        fn pointer(&mut self, _: usize) -> Result<Option<usize>, ()> {
            Ok(None)
        }
    }
    impl PackArgs for Any {
        type Error = ();
        type Str = Vec<u8>;
        fn integer(&mut self, a: usize) -> Result<i64, ()> {
            FormatArgs::integer(self, a)
        }
        fn number(&mut self, a: usize) -> Result<f64, ()> {
            FormatArgs::number(self, a)
        }
        fn string(&mut self, _: usize) -> Result<Vec<u8>, ()> {
            Ok(self.0.clone())
        }
    }

    #[test]
    fn format_and_pack_never_panic() {
        let mut r = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..20_000 {
            let f = r.bytes(b"%-+ #0123456789.diuoxXcaAeEfgGsqpzy\0", 12);
            let mut a = Any(r.bytes(b"a\0\n\"9\x7f", 5));
            let _ = format(&f, &mut a);
            let pf = r.bytes(b"bBhHiIlLjJTfdnszxXc<>=! 0123456789y", 10);
            let _ = pack(&pf, &mut a);
            let _ = packsize(&pf);
            let data = r.bytes(b"\0\x01\x7f\x80\xffa", 24);
            let _ = unpack(&pf, &data, r.below(30) as i64 - 10);
        }
    }
}
