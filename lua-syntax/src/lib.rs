//! lua-syntax: the Lua 5.4 lexer and parser.
//!
//! Turns source bytes into an arena-allocated [`ast::Chunk`], or into one
//! [`SyntaxError`] worded exactly as `luac5.4 -p` words it (same message,
//! same line, same "near" token). The parser also performs every check
//! PUC-Rio's parser performs (goto/label rules, `break` outside a loop,
//! `...` outside a vararg function, assignment to `<const>` variables,
//! several `<close>` variables in one list, the limits on locals, upvalues
//! and nesting), so a tree that exists is a valid program.
//!
//! What it is not: a compiler (that is `lua-bytecode`; the checks PUC makes
//! while generating code, such as the register limit, are there), nor a
//! pretty printer that round-trips source ([`printer`] is a debugging aid
//! that fully parenthesises expressions). It depends on nothing else of
//! luna, so it can be used alone as a Lua parser.
//!
//! Entry points: [`parse`] (files named `@...` skip a BOM and a `#` line),
//! [`parse_text`] (what `load` does), [`parse_with`] (explicit [`Options`],
//! including the C-call depth the nesting limit counts from), [`chunk_id`]
//! (`luaO_chunkid`), [`near_token`] (the "near" text for errors found after
//! parsing). Beside the parser: [`str_to_number`] is
//! `lua_stringtonumber` for the runtime's coercions, and [`fold`] tells
//! which `<const>` locals are compile-time constants, as the compiler must
//! know.
//!
//! Known difference: messages are Rust strings, so a byte that is not UTF-8
//! in the token after "near" shows as U+FFFD where PUC prints the raw byte.
//!
//! ```
//! use lua_syntax::{parse, ast::StatKind};
//! let arena = bumpalo::Bump::new();
//! let chunk = parse(&arena, b"local x = 1 + 2 * 3\nprint(x)", "=example").unwrap();
//! assert_eq!(chunk.block.stats.len(), 2);
//! assert!(matches!(chunk.block.stats[0].kind, StatKind::Local { .. }));
//! assert_eq!(lua_syntax::printer::expr_to_string(match &chunk.block.stats[0].kind {
//!     StatKind::Local { values, .. } => &values[0],
//!     _ => unreachable!(),
//! }), "(1 + (2 * 3))");
//!
//! let err = parse(&arena, b"x = ", "x = ").unwrap_err();
//! assert_eq!(err.message, "[string \"x = \"]:1: unexpected symbol near <eof>");
//! ```

#![forbid(unsafe_code)]

pub mod ast;
pub mod fold;
mod lexer;
pub mod number;
mod parser;
pub mod printer;

pub use number::{Number, str_to_number};

/// A syntax error, formatted as PUC-Rio formats it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// The full message, e.g. `f.lua:3: 'end' expected (to close 'function'
    /// at line 1) near <eof>`. (The nesting-limit error is PUC's bare
    /// `C stack overflow`, which carries no position.)
    pub message: String,
    /// The line the error was detected on.
    pub line: u32,
}

pub(crate) type Error = SyntaxError;

/// Parses a chunk. `chunkname` is Lua's raw chunk name: `"@file.lua"`,
/// `"=stdin"`, or the source text itself for strings (as `load` passes it);
/// it only shapes error messages (see [`chunk_id`]).
///
/// When `chunkname` starts with `@` the source is treated as a file, as
/// `luaL_loadfilex` does: a UTF-8 byte-order mark and a first line starting
/// with `#` are skipped (line numbers still count that line). Use
/// [`parse_text`] to parse text loaded under an `@` name without that.
pub fn parse<'a>(
    arena: &'a bumpalo::Bump,
    source: &[u8],
    chunkname: &str,
) -> Result<ast::Chunk<'a>, SyntaxError> {
    let options = Options {
        file: chunkname.starts_with('@'),
        ..Options::default()
    };
    parse_with(arena, source, chunkname, options)
}

/// Parses a chunk exactly as `load` does: no byte-order mark or `#` line
/// is skipped, whatever the chunk name.
pub fn parse_text<'a>(
    arena: &'a bumpalo::Bump,
    source: &[u8],
    chunkname: &str,
) -> Result<ast::Chunk<'a>, SyntaxError> {
    parse_with(arena, source, chunkname, Options::default())
}

/// How to parse, beyond the chunk name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Skip a byte-order mark and a first `#` line, as `luaL_loadfilex`.
    pub file: bool,
    /// The C-call depth when parsing starts. PUC's parser counts its
    /// nesting on the same counter as C calls and fails with "C stack
    /// overflow" when it reaches 200, so how deep a chunk may nest depends
    /// on where it is loaded from: 1 when `lua`/`luac` load a script (the
    /// default), 2 for `load` called from a main chunk, one more for each
    /// C boundary (`pcall`, a coroutine, a `table.sort` comparator...) the
    /// call of `load` is inside.
    pub c_calls: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            file: false,
            c_calls: 1,
        }
    }
}

/// Parses with explicit [`Options`].
pub fn parse_with<'a>(
    arena: &'a bumpalo::Bump,
    source: &[u8],
    chunkname: &str,
    options: Options,
) -> Result<ast::Chunk<'a>, SyntaxError> {
    let (pos, line) = if options.file {
        file_start(source)
    } else {
        (0, 1)
    };
    parser::Parser::new(arena, source, chunkname, pos, line, options.c_calls).main_func()
}

/// Where the text of a file starts (`skipBOM` and `skipcomment` of
/// lauxlib.c) and the line number it starts on.
fn file_start(src: &[u8]) -> (usize, u32) {
    let mut pos = 0;
    if src.starts_with(b"\xEF\xBB\xBF") {
        pos = 3;
    }
    if src.get(pos) == Some(&b'#') {
        // PUC drops the line and puts back a '\n' so that lines still count
        // from 1: resume at the line's '\n' (counted as line 1's end).
        match src[pos..].iter().position(|&c| c == b'\n') {
            Some(n) => (pos + n, 1),
            None => (src.len(), 2),
        }
    } else {
        (pos, 1)
    }
}

/// `LUA_IDSIZE`: the size of a chunk id, including the final NUL.
const IDSIZE: usize = 60;

/// `luaO_chunkid`: how a chunk name appears in messages. `"@f.lua"` →
/// `f.lua`, `"=stdin"` → `stdin`, anything else →
/// `[string "first line..."]`, truncated as PUC truncates.
///
/// ```
/// assert_eq!(lua_syntax::chunk_id("@f.lua"), "f.lua");
/// assert_eq!(lua_syntax::chunk_id("=stdin"), "stdin");
/// assert_eq!(lua_syntax::chunk_id("x = 1\ny = 2"), "[string \"x = 1...\"]");
/// ```
pub fn chunk_id(chunkname: &str) -> String {
    let src = chunkname.as_bytes();
    // C string semantics: the name stops at a NUL.
    let src = &src[..src.iter().position(|&c| c == 0).unwrap_or(src.len())];
    let srclen = src.len();
    let out: Vec<u8> = match src.first() {
        Some(b'=') => {
            if srclen <= IDSIZE {
                src[1..].to_vec()
            } else {
                src[1..IDSIZE].to_vec()
            }
        }
        Some(b'@') => {
            if srclen <= IDSIZE {
                src[1..].to_vec()
            } else {
                let keep = IDSIZE - 3 - 1;
                let mut v = b"...".to_vec();
                v.extend_from_slice(&src[srclen - keep..]);
                v
            }
        }
        _ => {
            let room = IDSIZE - "[string \"...\"]".len() - 1;
            let nl = src.iter().position(|&c| c == b'\n');
            let mut v = b"[string \"".to_vec();
            if srclen < room && nl.is_none() {
                v.extend_from_slice(src);
            } else {
                let len = nl.unwrap_or(srclen).min(room);
                v.extend_from_slice(&src[..len]);
                v.extend_from_slice(b"...");
            }
            v.extend_from_slice(b"\"]");
            v
        }
    };
    String::from_utf8_lossy(&out).into_owned()
}

/// The token PUC's lexer would hold `skip` tokens after the one starting at
/// (or after) byte `pos` of `source`, rendered as it appears after "near"
/// in messages (`'x'`, `'"str"'`, `<eof>`), with the line PUC reports for
/// it (the line the lexer is on once it has read that token).
///
/// For errors found after parsing (the compiler's "function or expression
/// needs too many registers"), which PUC reports at its current token: the
/// AST keeps spans, and this recovers the token from them exactly as the
/// lexer reads it (comments, long brackets, escapes, `\r\n`).
///
/// ```
/// let src = b"local a = f(x) -- call\n  + [[s]]";
/// assert_eq!(lua_syntax::near_token(src, 10, 0), ("'f'".to_string(), 1));
/// assert_eq!(lua_syntax::near_token(src, 10, 4), ("'+'".to_string(), 2));
/// assert_eq!(lua_syntax::near_token(src, 10, 5), ("'[[s]]'".to_string(), 2));
/// assert_eq!(lua_syntax::near_token(src, 10, 6), ("<eof>".to_string(), 2));
/// ```
pub fn near_token(source: &[u8], pos: usize, skip: usize) -> (String, u32) {
    let pos = pos.min(source.len());
    // The line at `pos`, counted as `inclinenumber` counts.
    let mut line = 1u32;
    let mut i = 0;
    while i < pos {
        let c = source[i];
        if c == b'\n' || c == b'\r' {
            if i + 1 < pos
                && (source[i + 1] == b'\n' || source[i + 1] == b'\r')
                && source[i + 1] != c
            {
                i += 1;
            }
            line += 1;
        }
        i += 1;
    }
    let arena = bumpalo::Bump::new();
    let mut lx = lexer::Lexer::new(&arena, source, pos, line, String::new());
    let mut tok = None;
    for _ in 0..=skip {
        match lx.next_token() {
            Ok(t) => tok = Some(t),
            Err(_) => return ("<eof>".to_string(), lx.line),
        }
    }
    match tok {
        Some(t) => (lx.token_text(&t), lx.line),
        None => ("<eof>".to_string(), lx.line),
    }
}
