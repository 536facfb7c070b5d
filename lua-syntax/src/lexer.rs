//! The lexer: source bytes → tokens, with llex.c's exact behaviour.
//!
//! It works directly on the byte slice with an index, never allocating per
//! character. Names are interned: each distinct name is copied into the
//! arena once and every occurrence shares that copy, so the parser compares
//! names by address. Strings without escapes are copied into the arena
//! straight from the source; strings with escapes are decoded into one
//! reused scratch buffer and then copied. Line counting follows
//! `inclinenumber`: `\n`, `\r`, `\r\n` and `\n\r` each end one line.
//!
//! Error messages are PUC's, including the "near" part: for a string token
//! PUC prints its *buffer*, which holds the opening delimiter and the
//! already-decoded characters read so far; the scratch buffer here mirrors
//! that (the escape-reading routines keep exactly the characters
//! `esccheck` would have saved), so `"\xZZ"` reports `near '"\xZ'`.

use crate::Error;
use crate::number::{Number, is_space, str_to_number};
use bumpalo::Bump;

/// Token kinds. Single-character tokens carry their byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tk {
    Char(u8),
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    IDiv,
    Concat,
    Dots,
    Eq,
    Ge,
    Le,
    Ne,
    Shl,
    Shr,
    DbColon,
    Eos,
    Flt,
    Int,
    Name,
    Str,
}

impl Tk {
    /// `luaX_token2str`.
    pub(crate) fn to_str(self) -> String {
        let s = match self {
            Tk::Char(c) => {
                return if (0x20..0x7f).contains(&c) {
                    format!("'{}'", c as char)
                } else {
                    format!("'<\\{c}>'")
                };
            }
            Tk::Eos => return "<eof>".into(),
            Tk::Flt => return "<number>".into(),
            Tk::Int => return "<integer>".into(),
            Tk::Name => return "<name>".into(),
            Tk::Str => return "<string>".into(),
            Tk::And => "and",
            Tk::Break => "break",
            Tk::Do => "do",
            Tk::Else => "else",
            Tk::Elseif => "elseif",
            Tk::End => "end",
            Tk::False => "false",
            Tk::For => "for",
            Tk::Function => "function",
            Tk::Goto => "goto",
            Tk::If => "if",
            Tk::In => "in",
            Tk::Local => "local",
            Tk::Nil => "nil",
            Tk::Not => "not",
            Tk::Or => "or",
            Tk::Repeat => "repeat",
            Tk::Return => "return",
            Tk::Then => "then",
            Tk::True => "true",
            Tk::Until => "until",
            Tk::While => "while",
            Tk::IDiv => "//",
            Tk::Concat => "..",
            Tk::Dots => "...",
            Tk::Eq => "==",
            Tk::Ge => ">=",
            Tk::Le => "<=",
            Tk::Ne => "~=",
            Tk::Shl => "<<",
            Tk::Shr => ">>",
            Tk::DbColon => "::",
        };
        format!("'{s}'")
    }
}

/// The semantic value of a token.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Val<'a> {
    None,
    Name(&'a str),
    /// Decoded bytes and how it was delimited (for error messages): a quote
    /// byte, or `256 + level` for a long bracket.
    Str(&'a [u8], u32),
    Num(Number),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    pub kind: Tk,
    pub val: Val<'a>,
    /// PUC's `linenumber` once the token is read (its last line).
    pub line: u32,
    pub start: u32,
    pub end: u32,
}

fn keyword(s: &[u8]) -> Option<Tk> {
    Some(match s {
        b"and" => Tk::And,
        b"break" => Tk::Break,
        b"do" => Tk::Do,
        b"else" => Tk::Else,
        b"elseif" => Tk::Elseif,
        b"end" => Tk::End,
        b"false" => Tk::False,
        b"for" => Tk::For,
        b"function" => Tk::Function,
        b"goto" => Tk::Goto,
        b"if" => Tk::If,
        b"in" => Tk::In,
        b"local" => Tk::Local,
        b"nil" => Tk::Nil,
        b"not" => Tk::Not,
        b"or" => Tk::Or,
        b"repeat" => Tk::Repeat,
        b"return" => Tk::Return,
        b"then" => Tk::Then,
        b"true" => Tk::True,
        b"until" => Tk::Until,
        b"while" => Tk::While,
        _ => return None,
    })
}

/// Character classes (`lctype`): bit 0 = letter or `_`, bit 1 = digit.
static CTYPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' {
            t[c] = 1;
        } else if b.is_ascii_digit() {
            t[c] = 2;
        }
        c += 1;
    }
    t
};

#[inline]
fn is_alpha(c: u8) -> bool {
    CTYPE[c as usize] & 1 != 0
}

#[inline]
fn is_alnum(c: u8) -> bool {
    CTYPE[c as usize] != 0
}

pub(crate) struct Lexer<'a, 's> {
    arena: &'a Bump,
    src: &'s [u8],
    pos: usize,
    pub line: u32,
    /// Scratch buffer for strings with escapes (PUC's `ls->buff`).
    buf: Vec<u8>,
    pub chunkid: String,
    /// Every distinct name, copied into the arena once: equal names are
    /// then the same `&str`, which the parser compares by address.
    names: rustc_hash::FxHashMap<&'a [u8], &'a str>,
}

const EOZ: i32 = -1;

impl<'a, 's> Lexer<'a, 's> {
    pub(crate) fn new(
        arena: &'a Bump,
        src: &'s [u8],
        pos: usize,
        line: u32,
        chunkid: String,
    ) -> Self {
        Lexer {
            arena,
            src,
            pos,
            line,
            buf: Vec::new(),
            chunkid,
            names: Default::default(),
        }
    }

    /// The arena copy of `name`, shared by all its occurrences.
    pub(crate) fn intern(&mut self, name: &[u8]) -> &'a str {
        if let Some(&s) = self.names.get(name) {
            return s;
        }
        // Names are made of ASCII letters, digits and '_' (or are the
        // parser's own ASCII names), hence valid UTF-8.
        let s: &'a str = self
            .arena
            .alloc_str(std::str::from_utf8(name).unwrap_or("?"));
        self.names.insert(s.as_bytes(), s);
        s
    }

    #[inline]
    fn cur(&self) -> i32 {
        match self.src.get(self.pos) {
            Some(&c) => i32::from(c),
            None => EOZ,
        }
    }

    #[inline]
    fn at(&self, off: usize) -> i32 {
        match self.src.get(self.pos + off) {
            Some(&c) => i32::from(c),
            None => EOZ,
        }
    }

    #[inline]
    fn cur_is_newline(&self) -> bool {
        matches!(self.src.get(self.pos), Some(b'\n' | b'\r'))
    }

    /// `lexerror`: `msg` with position, and `near <token>` if `near` is given.
    pub(crate) fn error(&self, msg: &str, near: Option<String>) -> Error {
        let message = match near {
            Some(t) => format!("{}:{}: {} near {}", self.chunkid, self.line, msg, t),
            None => format!("{}:{}: {}", self.chunkid, self.line, msg),
        };
        Error {
            message,
            line: self.line,
        }
    }

    /// Error "near" the partially read string in the scratch buffer.
    fn string_error(&self, msg: &str) -> Error {
        self.error(msg, Some(quote_c_string(&self.buf)))
    }

    fn inc_line(&mut self) -> Result<(), Error> {
        let old = self.src[self.pos];
        self.pos += 1;
        if let Some(&c) = self.src.get(self.pos)
            && (c == b'\n' || c == b'\r')
            && c != old
        {
            self.pos += 1;
        }
        self.line += 1;
        if self.line >= i32::MAX as u32 {
            return Err(self.error("chunk has too many lines", None));
        }
        Ok(())
    }

    fn tok(&self, kind: Tk, val: Val<'a>, start: usize) -> Token<'a> {
        Token {
            kind,
            val,
            line: self.line,
            start: start as u32,
            end: self.pos as u32,
        }
    }

    /// Reads the next token (`llex`).
    pub(crate) fn next_token(&mut self) -> Result<Token<'a>, Error> {
        loop {
            let start = self.pos;
            let Some(&c) = self.src.get(self.pos) else {
                return Ok(self.tok(Tk::Eos, Val::None, start));
            };
            match c {
                b'\n' | b'\r' => self.inc_line()?,
                b' ' | b'\t' | 0x0b | 0x0c => self.pos += 1,
                b'-' => {
                    if self.at(1) != i32::from(b'-') {
                        self.pos += 1;
                        return Ok(self.tok(Tk::Char(b'-'), Val::None, start));
                    }
                    self.pos += 2;
                    if self.cur() == i32::from(b'[') {
                        let sep = self.skip_sep();
                        if sep >= 2 {
                            self.read_long_string(start, sep, false)?;
                            continue;
                        }
                    }
                    // Short comment: skip to the end of the line.
                    let rest = &self.src[self.pos..];
                    let n = rest
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(rest.len());
                    self.pos += n;
                }
                b'[' => {
                    let sep = self.skip_sep();
                    if sep >= 2 {
                        return self.read_long_string(start, sep, true);
                    } else if sep == 0 {
                        self.buf.clear();
                        self.buf.extend_from_slice(&self.src[start..self.pos]);
                        return Err(self.string_error("invalid long string delimiter"));
                    }
                    return Ok(self.tok(Tk::Char(b'['), Val::None, start));
                }
                b'=' => return Ok(self.two(start, b'=', Tk::Eq, Tk::Char(b'='))),
                b'<' => {
                    if self.at(1) == i32::from(b'<') {
                        self.pos += 2;
                        return Ok(self.tok(Tk::Shl, Val::None, start));
                    }
                    return Ok(self.two(start, b'=', Tk::Le, Tk::Char(b'<')));
                }
                b'>' => {
                    if self.at(1) == i32::from(b'>') {
                        self.pos += 2;
                        return Ok(self.tok(Tk::Shr, Val::None, start));
                    }
                    return Ok(self.two(start, b'=', Tk::Ge, Tk::Char(b'>')));
                }
                b'/' => return Ok(self.two(start, b'/', Tk::IDiv, Tk::Char(b'/'))),
                b'~' => return Ok(self.two(start, b'=', Tk::Ne, Tk::Char(b'~'))),
                b':' => return Ok(self.two(start, b':', Tk::DbColon, Tk::Char(b':'))),
                b'"' | b'\'' => return self.read_string(start, c),
                b'.' => {
                    if self.at(1) == i32::from(b'.') {
                        if self.at(2) == i32::from(b'.') {
                            self.pos += 3;
                            return Ok(self.tok(Tk::Dots, Val::None, start));
                        }
                        self.pos += 2;
                        return Ok(self.tok(Tk::Concat, Val::None, start));
                    }
                    if !matches!(self.src.get(self.pos + 1), Some(d) if d.is_ascii_digit()) {
                        self.pos += 1;
                        return Ok(self.tok(Tk::Char(b'.'), Val::None, start));
                    }
                    // As llex.c: the '.' is taken, read_numeral starts at the
                    // digit (so ".0x" goes on as a hexadecimal numeral).
                    self.pos += 1;
                    return self.read_numeral(start);
                }
                b'0'..=b'9' => return self.read_numeral(start),
                c if is_alpha(c) => {
                    let rest = &self.src[self.pos..];
                    let n = rest
                        .iter()
                        .position(|&b| !is_alnum(b))
                        .unwrap_or(rest.len());
                    let word = &rest[..n];
                    self.pos += n;
                    if let Some(k) = keyword(word) {
                        return Ok(self.tok(k, Val::None, start));
                    }
                    let name = self.intern(word);
                    return Ok(self.tok(Tk::Name, Val::Name(name), start));
                }
                c => {
                    self.pos += 1;
                    return Ok(self.tok(Tk::Char(c), Val::None, start));
                }
            }
        }
    }

    #[inline]
    fn two(&mut self, start: usize, second: u8, long: Tk, short: Tk) -> Token<'a> {
        if self.at(1) == i32::from(second) {
            self.pos += 2;
            self.tok(long, Val::None, start)
        } else {
            self.pos += 1;
            self.tok(short, Val::None, start)
        }
    }

    /// `skip_sep`: at a `[` or `]`, reads `[=*` and returns level+2 if the
    /// bracket is complete, 1 for a lone bracket, 0 for `[=` without the
    /// second bracket. Leaves `pos` on the second bracket (if any).
    fn skip_sep(&mut self) -> usize {
        let s = self.src[self.pos];
        self.pos += 1;
        let mut count = 0;
        while self.cur() == i32::from(b'=') {
            self.pos += 1;
            count += 1;
        }
        if self.cur() == i32::from(s) {
            count + 2
        } else if count == 0 {
            1
        } else {
            0
        }
    }

    fn read_long_string(
        &mut self,
        start: usize,
        sep: usize,
        is_string: bool,
    ) -> Result<Token<'a>, Error> {
        let first_line = self.line;
        self.pos += 1; // second '['
        if self.cur_is_newline() {
            self.inc_line()?;
        }
        let mut chunk_start = self.pos;
        self.buf.clear();
        let mut has_newline = false;
        loop {
            let rest = &self.src[self.pos..];
            let n = rest
                .iter()
                .position(|&b| b == b']' || b == b'\n' || b == b'\r')
                .unwrap_or(rest.len());
            self.pos += n;
            match self.src.get(self.pos) {
                None => {
                    let what = if is_string { "string" } else { "comment" };
                    let msg = format!("unfinished long {what} (starting at line {first_line})");
                    return Err(self.error(&msg, Some("<eof>".into())));
                }
                Some(b']') => {
                    let close = self.pos;
                    if self.skip_sep() == sep {
                        self.pos += 1;
                        if !is_string {
                            return Ok(self.tok(Tk::Eos, Val::None, start));
                        }
                        let content: &'a [u8] = if has_newline {
                            self.buf.extend_from_slice(&self.src[chunk_start..close]);
                            self.arena.alloc_slice_copy(&self.buf)
                        } else {
                            self.arena.alloc_slice_copy(&self.src[chunk_start..close])
                        };
                        let delim = 256 + (sep as u32 - 2);
                        return Ok(self.tok(Tk::Str, Val::Str(content, delim), start));
                    }
                    // Not the closing bracket: `skip_sep` consumed `]=*`;
                    // continue scanning from there (a `]` it stopped at is
                    // examined again).
                }
                Some(_) => {
                    // Newlines inside long strings read as '\n'.
                    if is_string {
                        self.buf.extend_from_slice(&self.src[chunk_start..self.pos]);
                        self.buf.push(b'\n');
                    }
                    has_newline = true;
                    self.inc_line()?;
                    chunk_start = self.pos;
                }
            }
        }
    }

    fn read_string(&mut self, start: usize, del: u8) -> Result<Token<'a>, Error> {
        self.pos += 1;
        let body_start = self.pos;
        // Fast path: no escapes, no newline.
        let rest = &self.src[self.pos..];
        if let Some(n) = rest
            .iter()
            .position(|&b| b == del || b == b'\\' || b == b'\n' || b == b'\r')
            && rest[n] == del
        {
            self.pos += n + 1;
            let s = self.arena.alloc_slice_copy(&rest[..n]);
            return Ok(self.tok(Tk::Str, Val::Str(s, u32::from(del)), start));
        }
        self.buf.clear();
        self.buf.push(del);
        self.pos = body_start;
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                return Err(self.error("unfinished string", Some("<eof>".into())));
            };
            match c {
                _ if c == del => break,
                b'\n' | b'\r' => return Err(self.string_error("unfinished string")),
                b'\\' => self.read_escape()?,
                _ => {
                    self.buf.push(c);
                    self.pos += 1;
                }
            }
        }
        self.pos += 1;
        let s = self.arena.alloc_slice_copy(&self.buf[1..]);
        Ok(self.tok(Tk::Str, Val::Str(s, u32::from(del)), start))
    }

    /// `esccheck`: on failure the current character (if any) joins the buffer
    /// for the message.
    fn esc_fail(&mut self, msg: &str) -> Error {
        if let Some(&c) = self.src.get(self.pos) {
            self.buf.push(c);
            self.pos += 1;
        }
        self.string_error(msg)
    }

    fn read_escape(&mut self) -> Result<(), Error> {
        // The backslash is kept in the buffer until the escape is complete,
        // for error messages.
        let mark = self.buf.len();
        self.buf.push(b'\\');
        self.pos += 1;
        let c = match self.cur() {
            EOZ => return Ok(()), // "unfinished string" on the next round
            c => c as u8,
        };
        let simple = match c {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' | b'"' | b'\'' => Some(c),
            _ => None,
        };
        if let Some(v) = simple {
            self.pos += 1;
            self.buf.truncate(mark);
            self.buf.push(v);
            return Ok(());
        }
        match c {
            b'\n' | b'\r' => {
                self.inc_line()?;
                self.buf.truncate(mark);
                self.buf.push(b'\n');
            }
            b'x' => {
                self.buf.push(b'x');
                self.pos += 1;
                let mut r = 0u32;
                for _ in 0..2 {
                    match self
                        .src
                        .get(self.pos)
                        .and_then(|&d| (d as char).to_digit(16))
                    {
                        Some(d) => {
                            r = (r << 4) | d;
                            self.buf.push(self.src[self.pos]);
                            self.pos += 1;
                        }
                        None => return Err(self.esc_fail("hexadecimal digit expected")),
                    }
                }
                self.buf.truncate(mark);
                self.buf.push(r as u8);
            }
            b'u' => {
                self.buf.push(b'u');
                self.pos += 1;
                if self.cur() != i32::from(b'{') {
                    return Err(self.esc_fail("missing '{'"));
                }
                self.buf.push(b'{');
                self.pos += 1;
                let mut r: u32 = match self
                    .src
                    .get(self.pos)
                    .and_then(|&d| (d as char).to_digit(16))
                {
                    Some(d) => d,
                    None => return Err(self.esc_fail("hexadecimal digit expected")),
                };
                self.buf.push(self.src[self.pos]);
                self.pos += 1;
                while let Some(d) = self
                    .src
                    .get(self.pos)
                    .and_then(|&d| (d as char).to_digit(16))
                {
                    if r > (0x7FFF_FFFFu32 >> 4) {
                        return Err(self.esc_fail("UTF-8 value too large"));
                    }
                    r = (r << 4) + d;
                    self.buf.push(self.src[self.pos]);
                    self.pos += 1;
                }
                if self.cur() != i32::from(b'}') {
                    return Err(self.esc_fail("missing '}'"));
                }
                self.pos += 1;
                self.buf.truncate(mark);
                utf8_encode(r, &mut self.buf);
            }
            b'z' => {
                self.buf.truncate(mark);
                self.pos += 1;
                while let Some(&d) = self.src.get(self.pos) {
                    if d == b'\n' || d == b'\r' {
                        self.inc_line()?;
                    } else if is_space(d) {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            _ => {
                if !c.is_ascii_digit() {
                    return Err(self.esc_fail("invalid escape sequence"));
                }
                let mut r = 0u32;
                let mut i = 0;
                while i < 3 {
                    match self.src.get(self.pos) {
                        Some(&d) if d.is_ascii_digit() => {
                            r = r * 10 + u32::from(d - b'0');
                            self.buf.push(d);
                            self.pos += 1;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                if r > 255 {
                    return Err(self.esc_fail("decimal escape too large"));
                }
                self.buf.truncate(mark);
                self.buf.push(r as u8);
            }
        }
        Ok(())
    }

    fn read_numeral(&mut self, start: usize) -> Result<Token<'a>, Error> {
        let first = self.src[self.pos];
        self.pos += 1;
        let mut expo = (b'e', b'E');
        if first == b'0' && matches!(self.src.get(self.pos), Some(b'x' | b'X')) {
            self.pos += 1;
            expo = (b'p', b'P');
        }
        loop {
            match self.src.get(self.pos) {
                Some(&c) if c == expo.0 || c == expo.1 => {
                    self.pos += 1;
                    if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                        self.pos += 1;
                    }
                }
                Some(&c) if c.is_ascii_hexdigit() || c == b'.' => self.pos += 1,
                _ => break,
            }
        }
        if matches!(self.src.get(self.pos), Some(&c) if is_alpha(c)) {
            self.pos += 1; // a numeral touching a letter: force an error
        }
        let text = &self.src[start..self.pos];
        match str_to_number(text) {
            Some(n) => {
                let kind = if matches!(n, Number::Int(_)) {
                    Tk::Int
                } else {
                    Tk::Flt
                };
                Ok(self.tok(kind, Val::Num(n), start))
            }
            None => Err(self.error("malformed number", Some(quote_c_string(text)))),
        }
    }

    /// `txtToken`: how a token is shown after "near".
    pub(crate) fn token_text(&self, t: &Token<'a>) -> String {
        match t.kind {
            Tk::Name | Tk::Flt | Tk::Int => {
                quote_c_string(&self.src[t.start as usize..t.end as usize])
            }
            Tk::Str => {
                let Val::Str(s, delim) = t.val else {
                    return t.kind.to_str();
                };
                let mut b = Vec::with_capacity(s.len() + 8);
                if delim < 256 {
                    b.push(delim as u8);
                    b.extend_from_slice(s);
                    b.push(delim as u8);
                } else {
                    let eq = (delim - 256) as usize;
                    b.push(b'[');
                    b.extend(std::iter::repeat_n(b'=', eq));
                    b.push(b'[');
                    b.extend_from_slice(s);
                    b.push(b']');
                    b.extend(std::iter::repeat_n(b'=', eq));
                    b.push(b']');
                }
                quote_c_string(&b)
            }
            k => k.to_str(),
        }
    }
}

/// `'%s'` of a C string: stops at the first NUL; other bytes pass through
/// (lossily when they are not UTF-8, since messages are Rust strings).
fn quote_c_string(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    format!("'{}'", String::from_utf8_lossy(&b[..end]))
}

/// `luaO_utf8esc`: the extended (up to 6-byte) UTF-8 encoding Lua uses.
fn utf8_encode(mut x: u32, out: &mut Vec<u8>) {
    if x < 0x80 {
        out.push(x as u8);
        return;
    }
    let mut tmp = [0u8; 8];
    let mut n = 1;
    let mut mfb: u32 = 0x3f;
    loop {
        tmp[8 - n] = (0x80 | (x & 0x3f)) as u8;
        n += 1;
        x >>= 6;
        mfb >>= 1;
        if x <= mfb {
            break;
        }
    }
    tmp[8 - n] = ((!mfb << 1) | x) as u8;
    out.extend_from_slice(&tmp[8 - n..]);
}
