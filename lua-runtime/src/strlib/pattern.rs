//! Lua 5.4 patterns: the matcher behind `string.find`, `match`, `gmatch` and
//! `gsub`, with lua5.4's error messages.
//!
//! # How matching works
//!
//! This is lstrlib.c's backtracking matcher transcribed to byte indices. A
//! pattern is a sequence of items; `do_match` walks it from a subject
//! position and returns where the match ends. Single-character items without
//! a suffix, `%b`, `%f` and back-references simply advance and loop (the C
//! code's `goto init`), so a long literal pattern costs no recursion at all.
//! A recursive call happens only where the matcher must be able to undo a
//! choice: `?` tries "with the character" recursively and falls back to
//! "without" in the loop; `*`/`+` first count how far the item can repeat and
//! then, in a loop, try the rest of the pattern from the longest repetition
//! downwards; `-` tries the rest first and extends one character at a time;
//! `(` and `)` record a capture and match the rest recursively so that they
//! can undo the record when the rest fails. The backtracking over repetition
//! counts is therefore a loop, not a recursion, and the recursion depth is
//! bounded by the pattern's own nesting: like PUC-Rio, each recursive call
//! takes one unit from a budget of `MAXCCALLS` (200) and running out is the
//! error "pattern too complex". That keeps the Rust stack small whatever the
//! subject is.
//!
//! Malformed patterns are reported lazily, when the matcher reaches the bad
//! item, exactly as lua5.4 does (`("abc"):find("x[")` is `nil`, not an error,
//! because no position ever gets past the `x`).
//!
//! Backtracking is exponential for patterns such as `a*a*a*a*b` on long
//! runs of `a`, in PUC-Rio as here. Every search takes a [`Meter`]: it
//! counts the matcher's steps (the runtime charges them to the state's
//! instruction budget), may bound them (exhausting the bound is also
//! "pattern too complex") and may carry a stop flag, looked at every few
//! thousand steps (an interrupt request from another thread ends the
//! search with "interrupted"). The default meter, as lua5.4, bounds
//! nothing.

use smallvec::{SmallVec, smallvec};
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// Maximum number of captures in one pattern (`LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;
/// Maximum recursion depth of the matcher (`MAXCCALLS` in lstrlib.c).
const MAXCCALLS: usize = 200;
/// The escape character.
const L_ESC: u8 = b'%';
/// Bytes that make a pattern more than a plain substring (`SPECIALS`).
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// A pattern error, worded as lua5.4 words it (the caller adds the position
/// prefix, as `luaL_error` does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}

fn err<T>(msg: impl Into<String>) -> Result<T, PatternError> {
    Err(PatternError(msg.into()))
}

/// One capture of a successful match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// A substring capture: the byte range `start..end` of the subject.
    Str(usize, usize),
    /// A position capture `()`: the Lua (1-based) position, ready to push
    /// as an integer.
    Position(usize),
    /// A capture still open when the pattern ended (`"(a"`); reading it is
    /// the error "unfinished capture".
    Unfinished,
}

#[derive(Clone, Copy, Debug)]
enum CapLen {
    Unfinished,
    Position,
    Len(usize),
}

/// A successful match: where it starts and ends in the subject and the
/// pattern's explicit captures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Byte offset where the match starts.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// The explicit captures, in order (empty when the pattern has none).
    pub captures: Captures,
}

/// A match's captures: inline up to four (most patterns have fewer), so
/// a match allocates nothing.
pub type Captures = SmallVec<[Capture; 4]>;

impl Match {
    /// Capture `i` (0-based) as lstrlib's `get_onecapture`: with no explicit
    /// captures, capture 0 is the whole match.
    pub fn get(&self, i: usize) -> Result<Capture, PatternError> {
        match self.captures.get(i) {
            None if i == 0 => Ok(Capture::Str(self.start, self.end)),
            None => err(format!("invalid capture index %{}", i + 1)),
            Some(Capture::Unfinished) => err("unfinished capture"),
            Some(c) => Ok(*c),
        }
    }

    /// The values `string.match`, `gmatch` and a `gsub` function receive:
    /// every capture, or the whole match when there are none.
    pub fn values(&self) -> Result<Captures, PatternError> {
        if self.captures.is_empty() {
            return Ok(smallvec![Capture::Str(self.start, self.end)]);
        }
        self.explicit().map(Captures::from_slice)
    }

    /// The values `string.find` returns after the two positions: the
    /// explicit captures only.
    pub fn explicit(&self) -> Result<&[Capture], PatternError> {
        if self.captures.contains(&Capture::Unfinished) {
            return err("unfinished capture");
        }
        Ok(&self.captures)
    }
}

/// Is this byte in the class named by `cl` (`a c d g l p s u w x z`, upper
/// case for the complement; any other byte stands for itself)? C locale.
/// Two table lookups: the class's bit (none for a byte that is no class
/// name) and the byte's classes.
#[inline]
fn match_class(c: u8, cl: u8) -> bool {
    let bit = CLASS_BIT[cl as usize];
    if bit == 0 {
        return cl == c;
    }
    (CLASSES[c as usize] & bit != 0) == cl.is_ascii_lowercase()
}

/// The bit of each class name, lower and upper case (0: not a class).
static CLASS_BIT: [u16; 256] = {
    let mut t = [0u16; 256];
    let names = b"acdglpsuwxz";
    let mut i = 0;
    while i < names.len() {
        t[names[i] as usize] = 1 << i;
        t[names[i].to_ascii_uppercase() as usize] = 1 << i;
        i += 1;
    }
    t
};

/// The classes of each byte, as `CLASS_BIT` bits (what C's `isalpha` and
/// the others answer in the C locale).
static CLASSES: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        let has = [
            b.is_ascii_alphabetic(),
            b.is_ascii_control(),
            b.is_ascii_digit(),
            b.is_ascii_graphic(),
            b.is_ascii_lowercase(),
            b.is_ascii_punctuation(),
            matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
            b.is_ascii_uppercase(),
            b.is_ascii_alphanumeric(),
            b.is_ascii_hexdigit(),
            b == 0,
        ];
        let mut i = 0;
        while i < has.len() {
            if has[i] {
                t[c] |= 1 << i;
            }
            i += 1;
        }
        c += 1;
    }
    t
};

/// What a search may spend and what it spent (see the module doc).
#[derive(Clone, Copy, Debug, Default)]
pub struct Meter<'a> {
    /// At most this many matcher steps (`None`: no bound).
    pub steps: Option<u64>,
    /// Stop when this is non-zero (an interrupt request).
    pub stop: Option<&'a AtomicU8>,
    /// Steps taken so far (searches add to it).
    pub used: u64,
}

/// Steps between looks at the stop flag.
const CHECK_EVERY: u64 = 1 << 12;

/// The matching engine for one subject and one pattern (anchor already
/// removed). Reusable across start positions: `gsub` and `gmatch` keep one.
pub struct Matcher<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    /// Open and closed captures (its length is lstrlib's `level`): inline
    /// up to four, so neither a matcher per `gmatch` step nor a pattern
    /// with a few captures allocates.
    capture: SmallVec<[(usize, CapLen); 4]>,
    depth: usize,
    steps: Option<u64>,
    stop: Option<&'a AtomicU8>,
    used: u64,
    /// `used` at which [`Matcher::check`] runs next.
    next_check: u64,
}

impl<'a> Matcher<'a> {
    /// A matcher of `pat` (without a leading `^`: anchoring is the caller's
    /// loop) over `src`.
    pub fn new(src: &'a [u8], pat: &'a [u8]) -> Self {
        Matcher {
            src,
            pat,
            capture: SmallVec::new(),
            depth: MAXCCALLS,
            steps: None,
            stop: None,
            used: 0,
            next_check: CHECK_EVERY,
        }
    }

    /// A matcher that spends from `meter` (give the steps back with
    /// [`Matcher::used`]).
    pub fn metered(src: &'a [u8], pat: &'a [u8], meter: &Meter<'a>) -> Self {
        let mut m = Matcher::new(src, pat);
        m.stop = meter.stop;
        m.set_step_limit(meter.steps);
        m
    }

    /// Bounds the total work of every later match: each matcher step takes
    /// one unit, and running out is the error "pattern too complex".
    pub fn set_step_limit(&mut self, steps: Option<u64>) {
        self.steps = steps;
        self.next_check = self.used + CHECK_EVERY;
        if let Some(n) = steps {
            self.next_check = self.next_check.min(n.saturating_add(1));
        }
    }

    /// Steps taken by the matches so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Tries to match the whole pattern starting exactly at `s`. Returns the
    /// match (end and captures) or `None`.
    pub fn match_at(&mut self, s: usize) -> Result<Option<Match>, PatternError> {
        self.capture.clear();
        self.depth = MAXCCALLS;
        let end = self.do_match(s, 0)?;
        Ok(end.map(|e| Match {
            start: s,
            end: e,
            captures: self.captures(),
        }))
    }

    fn captures(&self) -> Captures {
        self.capture
            .iter()
            .map(|&(init, len)| match len {
                CapLen::Unfinished => Capture::Unfinished,
                CapLen::Position => Capture::Position(init + 1),
                CapLen::Len(l) => Capture::Str(init, init + l),
            })
            .collect()
    }

    /// Pattern byte at `i`, or 0 past the end (C reads the terminator).
    #[inline]
    fn p(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    /// Subject byte at `i`, or 0 past the end (C reads the terminator).
    #[inline]
    fn s(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn check_capture(&self, l: u8) -> Result<usize, PatternError> {
        let l = l as i32 - b'1' as i32;
        if l < 0 || l as usize >= self.capture.len() {
            return err(format!("invalid capture index %{}", l + 1));
        }
        if let CapLen::Unfinished = self.capture[l as usize].1 {
            return err(format!("invalid capture index %{}", l + 1));
        }
        Ok(l as usize)
    }

    fn capture_to_close(&self) -> Result<usize, PatternError> {
        (0..self.capture.len())
            .rev()
            .find(|&l| matches!(self.capture[l].1, CapLen::Unfinished))
            .map_or_else(|| err("invalid pattern capture"), Ok)
    }

    /// Index just past the single-character class starting at `p`.
    #[inline(always)]
    fn class_end(&self, mut p: usize) -> Result<usize, PatternError> {
        let c = self.p(p);
        p += 1;
        if c == L_ESC {
            if p >= self.pat.len() {
                return err("malformed pattern (ends with '%')");
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if self.p(p) == b'^' {
                p += 1;
            }
            // Look for the closing ']'; the first character is never it.
            loop {
                if p >= self.pat.len() {
                    return err("malformed pattern (missing ']')");
                }
                let cc = self.p(p);
                p += 1;
                if cc == L_ESC && p < self.pat.len() {
                    p += 1; // skip escapes such as '%]'
                }
                if self.p(p) == b']' {
                    break;
                }
            }
            return Ok(p + 1);
        }
        Ok(p)
    }

    /// Does `c` belong to the set `[...]` spanning `p` (the '[') to `ec`
    /// (the closing ']')?
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.p(p + 1) == b'^' {
            sig = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                break;
            }
            let pc = self.p(p);
            if pc == L_ESC {
                p += 1;
                if match_class(c, self.p(p)) {
                    return sig;
                }
            } else if self.p(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if pc <= c && c <= self.p(p) {
                    return sig;
                }
            } else if pc == c {
                return sig;
            }
        }
        !sig
    }

    #[inline]
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        if s >= self.src.len() {
            return false;
        }
        let c = self.src[s];
        match self.p(p) {
            b'.' => true,
            L_ESC => match_class(c, self.p(p + 1)),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            pc => pc == c,
        }
    }

    fn match_balance(&self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if p + 1 >= self.pat.len() {
            return err("malformed pattern (missing arguments to '%b')");
        }
        if self.s(s) != self.pat[p] || s >= self.src.len() {
            return Ok(None);
        }
        let (b, e) = (self.pat[p], self.pat[p + 1]);
        let mut cont = 1usize;
        let mut i = s + 1;
        while i < self.src.len() {
            let c = self.src[i];
            if c == e {
                cont -= 1;
                if cont == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == b {
                cont += 1;
            }
            i += 1;
        }
        Ok(None)
    }

    #[inline]
    fn tick(&mut self) -> Result<(), PatternError> {
        self.used += 1;
        if self.used >= self.next_check {
            return self.check();
        }
        Ok(())
    }

    /// Every [`CHECK_EVERY`] steps, and when the bound is passed.
    #[cold]
    fn check(&mut self) -> Result<(), PatternError> {
        if self.steps.is_some_and(|n| self.used > n) {
            return err("pattern too complex");
        }
        if self.stop.is_some_and(|f| f.load(Ordering::Relaxed) != 0) {
            return err("interrupted");
        }
        self.set_step_limit(self.steps);
        Ok(())
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, PatternError> {
        let mut i = 0usize;
        while self.single_match(s + i, p, ep) {
            i += 1;
        }
        // Try the rest of the pattern from the longest repetition down.
        loop {
            self.tick()?;
            if let Some(res) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(res));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, PatternError> {
        loop {
            self.tick()?;
            if let Some(res) = self.do_match(s, ep + 1)? {
                return Ok(Some(res));
            }
            if self.single_match(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        what: CapLen,
    ) -> Result<Option<usize>, PatternError> {
        if self.capture.len() >= MAX_CAPTURES {
            return err("too many captures");
        }
        self.capture.push((s, what));
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.capture.pop();
        }
        Ok(res)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let l = self.capture_to_close()?;
        self.capture[l].1 = CapLen::Len(s - self.capture[l].0);
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.capture[l].1 = CapLen::Unfinished;
        }
        Ok(res)
    }

    fn match_capture(&self, s: usize, l: u8) -> Result<Option<usize>, PatternError> {
        let l = self.check_capture(l)?;
        let (init, len) = self.capture[l];
        match len {
            // A position capture has no text: as in C, it never matches.
            CapLen::Len(len) if self.src.len() - s >= len => {
                if self.src[init..init + len] == self.src[s..s + len] {
                    Ok(Some(s + len))
                } else {
                    Ok(None)
                }
            }
            _ => Ok(None),
        }
    }

    fn do_match(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if self.depth == 0 {
            return err("pattern too complex");
        }
        self.depth -= 1;
        let r = self.match_loop(s, p);
        self.depth += 1;
        r
    }

    fn match_loop(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, PatternError> {
        loop {
            self.tick()?;
            if p == self.pat.len() {
                return Ok(Some(s));
            }
            match self.pat[p] {
                b'(' => {
                    return if self.p(p + 1) == b')' {
                        self.start_capture(s, p + 2, CapLen::Position)
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                L_ESC if self.p(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                L_ESC if self.p(p + 1) == b'f' => {
                    p += 2;
                    if self.p(p) != b'[' {
                        return err("missing '[' after '%f' in pattern");
                    }
                    let ep = self.class_end(p)?;
                    let previous = if s == 0 { 0 } else { self.src[s - 1] };
                    let current = self.s(s);
                    if !self.match_bracket_class(previous, p, ep - 1)
                        && self.match_bracket_class(current, p, ep - 1)
                    {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                L_ESC if self.p(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.p(p + 1))? {
                        Some(e) => {
                            s = e;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let suffix = self.p(ep);
                    if !self.single_match(s, p, ep) {
                        if matches!(suffix, b'*' | b'?' | b'-') {
                            p = ep + 1; // the item may match zero times
                            continue;
                        }
                        return Ok(None);
                    }
                    match suffix {
                        b'?' => {
                            if let Some(res) = self.do_match(s + 1, ep + 1)? {
                                return Ok(Some(res));
                            }
                            p = ep + 1;
                        }
                        b'+' => return self.max_expand(s + 1, p, ep),
                        b'*' => return self.max_expand(s, p, ep),
                        b'-' => return self.min_expand(s, p, ep),
                        _ => {
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        }
    }
}

/// Lua's `posrelatI`: a 1-based start position, negative counting from the
/// end, clipped to `[1, inf)`.
pub fn posrelat_start(pos: i64, len: usize) -> usize {
    if pos > 0 {
        pos as usize
    } else if pos == 0 || pos < -(len as i64) {
        1
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// Does the pattern contain no special character (so a plain search does)?
fn no_specials(pat: &[u8]) -> bool {
    !pat.iter().any(|b| SPECIALS.contains(b))
}

/// Index of the first `b` in `hay`, scanning a word at a time (what
/// lstrlib gets from C's `memchr`).
pub fn memchr(b: u8, hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * b as u64;
    let mut i = 0;
    while i + 8 <= hay.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&hay[i..i + 8]);
        let w = u64::from_le_bytes(word) ^ pattern;
        // Some byte of `w` is zero exactly when `b` occurs in the word.
        if w.wrapping_sub(LO) & !w & HI != 0 {
            break;
        }
        i += 8;
    }
    hay[i..].iter().position(|&c| c == b).map(|p| p + i)
}

/// Plain substring search (`lmemfind`).
pub fn find_plain(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    if needle.len() > hay.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    let mut at = 0;
    while at <= last_start {
        at += memchr(first, &hay[at..=last_start])?;
        if &hay[at + 1..at + needle.len()] == rest {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// What the first byte of any match must be, when the pattern starts with
/// a single-character item that must occur (not followed by `*`, `?` or
/// `-`). Searching loops use it to skip the positions where that first item
/// would fail anyway (with `memchr` for a literal byte): the results and the
/// errors are unchanged, because such a position fails before the matcher
/// reads any further, and a malformed first item turns the filter off so
/// the matcher reports it at the first position as before.
enum Start {
    Any,
    Byte(u8),
    Class(u8),
    /// A `[set]` ending at this index of the pattern (the `]`).
    Set(usize),
}

impl Start {
    fn of(pat: &[u8]) -> Start {
        let Some(&c) = pat.first() else {
            return Start::Any;
        };
        let m = Matcher::new(b"", pat);
        let Ok(ep) = m.class_end(0) else {
            return Start::Any;
        };
        if matches!(m.p(ep), b'*' | b'?' | b'-') {
            return Start::Any;
        }
        match c {
            b'(' | b')' | b'.' | b'$' => Start::Any,
            b'%' => match m.p(1) {
                b'b' | b'f' | b'0'..=b'9' => Start::Any,
                cl => Start::Class(cl),
            },
            b'[' => Start::Set(ep - 1),
            _ => Start::Byte(c),
        }
    }

    /// The first position at or after `s` where a match may start; `None`
    /// when no position before the end can.
    fn next(&self, src: &[u8], pat: &[u8], s: usize) -> Option<usize> {
        let rest = &src[s..];
        let k = match *self {
            Start::Any => return Some(s),
            Start::Byte(c) => memchr(c, rest),
            Start::Class(cl) => rest.iter().position(|&b| match_class(b, cl)),
            Start::Set(ec) => {
                let m = Matcher::new(b"", pat);
                rest.iter().position(|&b| m.match_bracket_class(b, 0, ec))
            }
        };
        k.map(|k| s + k)
    }
}

/// `string.find` and `string.match` over the raw arguments: `init` is Lua's
/// 1-based (possibly negative) start, `plain` the fourth argument of `find`.
/// For `find` the match's `start..end` are the positions to return (add 1 to
/// `start`) and [`Match::explicit`] the captures; for `match` the values are
/// [`Match::values`]. `None` is the `nil` result.
pub fn str_find(
    src: &[u8],
    pat: &[u8],
    init: i64,
    plain: bool,
    find: bool,
    meter: &mut Meter,
) -> Result<Option<Match>, PatternError> {
    let init = posrelat_start(init, src.len()) - 1;
    if init > src.len() {
        return Ok(None);
    }
    if find && (plain || no_specials(pat)) {
        return Ok(find_plain(&src[init..], pat).map(|i| Match {
            start: init + i,
            end: init + i + pat.len(),
            captures: Captures::new(),
        }));
    }
    let (anchor, pat) = match pat.split_first() {
        Some((b'^', rest)) => (true, rest),
        _ => (false, pat),
    };
    let mut m = Matcher::metered(src, pat, meter);
    let start = if anchor { Start::Any } else { Start::of(pat) };
    let mut s = init;
    let r = loop {
        s = match start.next(src, pat, s) {
            Some(k) => k,
            None => break Ok(None),
        };
        match m.match_at(s) {
            Ok(None) => {}
            r => break r,
        }
        s += 1;
        if anchor || s > src.len() {
            break Ok(None);
        }
    };
    meter.used += m.used;
    r
}

/// The state of a `string.gmatch` iterator between calls. It holds no
/// borrow, so the runtime keeps it in the iterator closure next to the
/// subject and pattern strings and hands them back on every call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GMatchState {
    /// Where the next search starts (byte offset, at most `len + 1`).
    pub pos: usize,
    /// End of the previous match: an empty match there is skipped.
    pub last_match: Option<usize>,
}

impl GMatchState {
    /// The state for `string.gmatch(src, pat, init)`; `init` is Lua's
    /// 1-based (possibly negative) start.
    pub fn new(src_len: usize, init: i64) -> Self {
        let init = posrelat_start(init, src_len) - 1;
        GMatchState {
            pos: init.min(src_len + 1),
            last_match: None,
        }
    }

    /// The next match ([`Match::values`] are the iterator's results), or
    /// `None` when the iteration is over. The pattern is used whole: `^` is
    /// an ordinary character in `gmatch`, as in lua5.4.
    pub fn next_match(
        &mut self,
        src: &[u8],
        pat: &[u8],
        meter: &mut Meter,
    ) -> Result<Option<Match>, PatternError> {
        let mut m = Matcher::metered(src, pat, meter);
        let r = self.search(&mut m, src, pat);
        meter.used += m.used;
        r
    }

    fn search(
        &mut self,
        m: &mut Matcher,
        src: &[u8],
        pat: &[u8],
    ) -> Result<Option<Match>, PatternError> {
        let start = Start::of(pat);
        let mut s = self.pos;
        while s <= src.len() {
            s = match start.next(src, pat, s) {
                Some(k) => k,
                None => {
                    s = src.len() + 1;
                    break;
                }
            };
            if let Some(found) = m.match_at(s)?
                && Some(found.end) != self.last_match
            {
                self.pos = found.end;
                self.last_match = Some(found.end);
                return Ok(Some(found));
            }
            s += 1;
        }
        self.pos = s;
        Ok(None)
    }
}

/// Why `gsub` stopped: a pattern error or the replacement's own error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GsubError<E> {
    /// The pattern (or a replacement string) is malformed.
    Pattern(PatternError),
    /// The replacement callback failed (a Lua error from a function or a
    /// table's `__index`, or an invalid replacement value).
    Replace(E),
}

impl<E> From<PatternError> for GsubError<E> {
    fn from(e: PatternError) -> Self {
        GsubError::Pattern(e)
    }
}

/// The result of `gsub`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GsubResult {
    /// The new string (equal to the subject when nothing changed).
    pub text: Vec<u8>,
    /// The number of matches (the second result of `string.gsub`).
    pub count: i64,
    /// Whether any replacement changed the text; when false, lua5.4 returns
    /// the original string object.
    pub changed: bool,
}

/// `string.gsub`'s loop. `max_n` is the fourth argument (default: subject
/// length + 1). For each match `replace(match, out)` appends the replacement
/// to `out` and says whether it changed anything (a function or table giving
/// `nil`/`false` keeps the original text: append `src[start..end]` and
/// return `false`). For a string replacement use [`expand_replacement`].
pub fn gsub<E>(
    src: &[u8],
    pat: &[u8],
    max_n: Option<i64>,
    meter: &mut Meter,
    replace: impl FnMut(&Match, &mut Vec<u8>) -> Result<bool, GsubError<E>>,
) -> Result<GsubResult, GsubError<E>> {
    let (anchor, pat) = match pat.split_first() {
        Some((b'^', rest)) => (true, rest),
        _ => (false, pat),
    };
    let mut m = Matcher::metered(src, pat, meter);
    let r = gsub_loop(&mut m, src, pat, anchor, max_n, replace);
    meter.used += m.used;
    r
}

fn gsub_loop<E>(
    m: &mut Matcher,
    src: &[u8],
    pat: &[u8],
    anchor: bool,
    max_n: Option<i64>,
    mut replace: impl FnMut(&Match, &mut Vec<u8>) -> Result<bool, GsubError<E>>,
) -> Result<GsubResult, GsubError<E>> {
    let max_n = max_n.unwrap_or(src.len() as i64 + 1);
    let mut out = Vec::with_capacity(src.len());
    let mut s = 0usize;
    let mut last_match = None;
    let mut count = 0i64;
    let mut changed = false;
    let start = if anchor { Start::Any } else { Start::of(pat) };
    while count < max_n {
        // Copy the run that cannot start a match in one go.
        let next = start.next(src, pat, s);
        let upto = next.unwrap_or(src.len());
        out.extend_from_slice(&src[s..upto]);
        s = upto;
        if next.is_none() {
            break;
        }
        match m.match_at(s)? {
            Some(found) if Some(found.end) != last_match => {
                count += 1;
                changed |= replace(&found, &mut out)?;
                s = found.end;
                last_match = Some(found.end);
            }
            _ if s < src.len() => {
                out.push(src[s]);
                s += 1;
            }
            _ => break,
        }
        if anchor {
            break;
        }
    }
    out.extend_from_slice(&src[s..]);
    Ok(GsubResult {
        text: if changed { out } else { src.to_vec() },
        count,
        changed,
    })
}

/// Appends a string replacement for `found` to `out`, expanding `%0`-`%9`
/// and `%%` as lstrlib's `add_s` (a position capture appends its number).
pub fn expand_replacement(
    repl: &[u8],
    src: &[u8],
    found: &Match,
    out: &mut Vec<u8>,
) -> Result<(), PatternError> {
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        i += 1;
        if c != L_ESC {
            out.push(c);
            continue;
        }
        let d = repl.get(i).copied().unwrap_or(0);
        i += 1;
        match d {
            L_ESC => out.push(L_ESC),
            b'0' => out.extend_from_slice(&src[found.start..found.end]),
            b'1'..=b'9' => match found.get((d - b'1') as usize)? {
                Capture::Str(a, b) => out.extend_from_slice(&src[a..b]),
                Capture::Position(p) => out.extend_from_slice(p.to_string().as_bytes()),
                Capture::Unfinished => return err("unfinished capture"),
            },
            _ => return err("invalid use of '%' in replacement string"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a find/match result the way the test programs print it.
    fn show(src: &[u8], caps: &[Capture]) -> String {
        caps.iter()
            .map(|c| match *c {
                Capture::Str(a, b) => String::from_utf8_lossy(&src[a..b]).into_owned(),
                Capture::Position(p) => p.to_string(),
                Capture::Unfinished => "?".into(),
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn find(src: &str, pat: &str) -> Result<String, String> {
        find_from(src, pat, 1, false)
    }

    fn find_from(src: &str, pat: &str, init: i64, plain: bool) -> Result<String, String> {
        match str_find(
            src.as_bytes(),
            pat.as_bytes(),
            init,
            plain,
            true,
            &mut Meter::default(),
        ) {
            Err(e) => Err(e.0),
            Ok(None) => Ok("nil".into()),
            Ok(Some(m)) => {
                let caps = m.explicit().map_err(|e| e.0)?;
                let mut s = format!("{} {}", m.start + 1, m.end);
                if !caps.is_empty() {
                    s.push(' ');
                    s.push_str(&show(src.as_bytes(), caps));
                }
                Ok(s)
            }
        }
    }

    fn mat(src: &str, pat: &str) -> Result<String, String> {
        match str_find(
            src.as_bytes(),
            pat.as_bytes(),
            1,
            false,
            false,
            &mut Meter::default(),
        ) {
            Err(e) => Err(e.0),
            Ok(None) => Ok("nil".into()),
            Ok(Some(m)) => Ok(show(src.as_bytes(), &m.values().map_err(|e| e.0)?)),
        }
    }

    fn gsub_s(src: &str, pat: &str, repl: &str, max: Option<i64>) -> Result<String, String> {
        let r = gsub::<()>(
            src.as_bytes(),
            pat.as_bytes(),
            max,
            &mut Meter::default(),
            |m, out| {
                expand_replacement(repl.as_bytes(), src.as_bytes(), m, out)?;
                Ok(true)
            },
        );
        match r {
            Ok(r) => Ok(format!("{} {}", String::from_utf8_lossy(&r.text), r.count)),
            Err(GsubError::Pattern(e)) => Err(e.0),
            Err(GsubError::Replace(())) => Err("replace".into()),
        }
    }

    fn e(s: &str) -> Result<String, String> {
        Err(s.into())
    }
    fn o(s: &str) -> Result<String, String> {
        Ok(s.into())
    }

    #[test]
    fn errors_worded_as_lua() {
        // Expected values from lua5.4 (pcall of each call).
        assert_eq!(find("abc", "%1"), e("invalid capture index %1"));
        assert_eq!(find("abc", "(a)%2"), e("invalid capture index %2"));
        assert_eq!(find("abc", "%0"), e("invalid capture index %0"));
        assert_eq!(find("abc", "(a%1)"), e("invalid capture index %1"));
        assert_eq!(
            gsub_s("abc", "(a)", "%2", None),
            e("invalid capture index %2")
        );
        assert_eq!(
            gsub_s("abc", "a", "%2", None),
            e("invalid capture index %2")
        );
        assert_eq!(gsub_s("abc", "a", "%1", None), o("abc 1"));
        assert_eq!(
            gsub_s("abc", "a", "x%", None),
            e("invalid use of '%' in replacement string")
        );
        assert_eq!(
            gsub_s("abc", "a", "%x", None),
            e("invalid use of '%' in replacement string")
        );
        assert_eq!(find("abc", "x["), o("nil"));
        assert_eq!(find("abc", "a["), e("malformed pattern (missing ']')"));
        assert_eq!(find("abc", "a%"), e("malformed pattern (ends with '%')"));
        assert_eq!(
            find("abc", "a%b"),
            e("malformed pattern (missing arguments to '%b')")
        );
        assert_eq!(
            find("abc", "a%bx"),
            e("malformed pattern (missing arguments to '%b')")
        );
        assert_eq!(find("abc", "%fx"), e("missing '[' after '%f' in pattern"));
        assert_eq!(find("abc", "a)"), o("nil"));
        assert_eq!(find("abc", "a.)"), e("invalid pattern capture"));
        assert_eq!(find("abc", "(a"), e("unfinished capture"));
        assert_eq!(mat("abc", "(a"), e("unfinished capture"));
        assert_eq!(gsub_s("abc", "(a", "%0", None), o("abc 1"));
        assert_eq!(gsub_s("abc", "(a", "%1", None), e("unfinished capture"));
        assert_eq!(find("abc", &"(".repeat(33)), e("too many captures"));
        assert_eq!(find("abc", &"(".repeat(32)), e("unfinished capture"));
        assert_eq!(find("abc", &"a?".repeat(300)), o("1 1"));
        assert_eq!(
            find(&"a".repeat(300), &"a?".repeat(300)),
            e("pattern too complex")
        );
        assert_eq!(find(&"a".repeat(199), &"a?".repeat(199)), o("1 199"));
    }

    #[test]
    fn finds_and_matches_as_lua() {
        assert_eq!(mat("hello world", "()ll()"), o("3,5"));
        assert_eq!(find("a\0b", "\0"), o("2 2"));
        assert_eq!(find_from("a.b", ".", 1, true), o("2 2"));
        assert_eq!(find_from("abc", "b", 10, false), o("nil"));
        assert_eq!(find_from("abc", "", 4, false), o("4 3"));
        assert_eq!(find_from("abc", "", 5, false), o("nil"));
        assert_eq!(find_from("abcabc", "b", -3, false), o("5 5"));
        assert_eq!(find_from("abcabc", "^b", -100, false), o("nil"));
        assert_eq!(mat("  x", "^%s*(.-)%s*$"), o("x"));
        assert_eq!(find("THE (quick) fox", "%((%a+)%)"), o("5 11 quick"));
        assert_eq!(mat("key = value", "(%w+)%s*=%s*(%w+)"), o("key,value"));
        assert_eq!(mat("aaa", "^(a-)a$"), o("aa"));
        assert_eq!(mat("x", "[]]"), o("nil"));
        assert_eq!(mat("]", "[]]"), o("]"));
        assert_eq!(mat("-", "[a-]"), o("-"));
        assert_eq!(mat("^", "[%^]"), o("^"));
        assert_eq!(mat("b", "[^a-c]"), o("nil"));
        assert_eq!(mat("abcabc", "(abc)%1"), o("abc"));
        assert_eq!(mat("x", "[%a-z]"), o("x"));
        assert_eq!(mat("a", "[a-%%]"), o("nil"));
        assert_eq!(mat("f(a(b)c)d", "%b()"), o("(a(b)c)"));
        assert_eq!(mat("x = 10, y", "%d+"), o("10"));
        assert_eq!(mat("abc", "^b"), o("nil"));
        assert_eq!(mat("abc", "c$"), o("c"));
        assert_eq!(mat("a$c", "$c"), o("$c"));
        assert_eq!(mat("aXb", "%u"), o("X"));
        assert_eq!(mat("a1 B", "%W"), o(" "));
        assert_eq!(mat("\t x", "%S"), o("x"));
        assert_eq!(mat("ab12", "%x+"), o("ab12"));
        assert_eq!(mat("a,b", "%p"), o(","));
        assert_eq!(mat("a\x01", "%c"), o("\x01"));
        assert_eq!(mat(" x", "%g"), o("x"));
        assert_eq!(mat("hello", "l+"), o("ll"));
        assert_eq!(mat("hello", "x?h"), o("h"));
        assert_eq!(mat("<a><b>", "<(.-)>"), o("a"));
        assert_eq!(mat("<a><b>", "<(.*)>"), o("a><b"));
    }

    #[test]
    fn gsub_as_lua() {
        assert_eq!(
            gsub_s("hello world", "()l", "%1", None),
            o("he34o wor10d 3")
        );
        assert_eq!(gsub_s("hello", "", "-", None), o("-h-e-l-l-o- 6"));
        assert_eq!(gsub_s("abc", "%w", "%0%0", Some(2)), o("aabbc 2"));
        assert_eq!(gsub_s("f(a(b)c)", "%b()", "X", None), o("fX 1"));
        assert_eq!(
            gsub_s("THE (quick) fox", "%f[%a]%a+", "W", None),
            o("W (W) W 3")
        );
        assert_eq!(
            gsub_s("hello world", "(%w+)", "<%1>", None),
            o("<hello> <world> 2")
        );
        assert_eq!(gsub_s("abc", "^a", "x", None), o("xbc 1"));
        assert_eq!(gsub_s("aaa", "^a", "x", None), o("xaa 1"));
        assert_eq!(gsub_s("abc", "b*", "-", None), o("-a-c- 3"));
        assert_eq!(gsub_s("abc", ".", "%%", Some(0)), o("abc 0"));
        assert_eq!(gsub_s("abc", ".", "%%", Some(-1)), o("abc 0"));
    }

    #[test]
    fn gmatch_as_lua() {
        fn all(src: &str, pat: &str, init: i64) -> String {
            let mut st = GMatchState::new(src.len(), init);
            let mut parts = Vec::new();
            while let Some(m) = st
                .next_match(src.as_bytes(), pat.as_bytes(), &mut Meter::default())
                .unwrap()
            {
                parts.push(show(src.as_bytes(), &m.values().unwrap()));
            }
            parts.join("|")
        }
        assert_eq!(all("one two  three", "%a+", 1), "one|two|three");
        assert_eq!(all("abc", "", 1), "|||");
        assert_eq!(all("k=v, a=b", "(%w+)=(%w+)", 1), "k,v|a,b");
        assert_eq!(all("abcabc", "b", 4), "b");
        assert_eq!(all("abc", ".", -2), "b|c");
        assert_eq!(all("^a^a", "^a", 1), "^a|^a");
        assert_eq!(all("abc", "x*", 10), "");
    }

    #[test]
    fn plain_search_agrees_with_a_naive_one() {
        let hay = b"abcabcabdxyz\0\0abd__________abdq";
        for n in 0..hay.len() {
            for m in 0..4.min(hay.len() - n) + 1 {
                let needle = &hay[n..n + m];
                let naive =
                    (0..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle);
                assert_eq!(find_plain(hay, needle), naive, "{needle:?}");
            }
        }
        for b in 0..=255u8 {
            assert_eq!(memchr(b, hay), hay.iter().position(|&c| c == b));
        }
        assert_eq!(find_plain(b"ab", b"abc"), None);
    }

    #[test]
    fn literal_skipping_keeps_lazy_errors() {
        // lua5.4: ("xxxa"):find("a[") is an error, ("xxx"):find("a[") nil.
        assert_eq!(find("xxxa", "a["), e("malformed pattern (missing ']')"));
        assert_eq!(find("xxx", "a["), o("nil"));
        assert_eq!(gsub_s("xaxa", "a(", "", None), o("xx 2"));
        assert_eq!(gsub_s("xaxa", "a(", "%1", None), e("unfinished capture"));
        assert_eq!(gsub_s("xbxb", "a(", "", None), o("xbxb 0"));
        assert_eq!(gsub_s("banana", "an", "[%0]", None), o("b[an][an]a 2"));
        assert_eq!(gsub_s("banana", "a*", "-", None), o("-b-n-n- 4"));
        // Class and set filters (lua5.4's outputs).
        assert_eq!(find("abc", "[a"), e("malformed pattern (missing ']')"));
        assert_eq!(find("", "%"), e("malformed pattern (ends with '%')"));
        assert_eq!(gsub_s("x y", "%s", "_", None), o("x_y 1"));
        assert_eq!(gsub_s("a1b22", "[%d]+", "#", None), o("a#b# 2"));
        let mut g = GMatchState::new(6, 1);
        let mut words = Vec::new();
        while let Some(m) = g
            .next_match(b"a,b;;c", b"[^,;]+", &mut Meter::default())
            .unwrap()
        {
            words.push(m.start);
        }
        assert_eq!(words, [0, 2, 5]);
        let mut g = GMatchState::new(3, 10);
        assert_eq!(g.next_match(b"abc", b"[a", &mut Meter::default()), Ok(None));
    }

    #[test]
    fn step_budget_stops_runaway_backtracking() {
        let src = "a".repeat(40);
        let mut m = Matcher::new(src.as_bytes(), b"a*a*a*a*a*a*a*b");
        m.set_step_limit(Some(100_000));
        assert_eq!(m.match_at(0), err("pattern too complex"));
    }
}
