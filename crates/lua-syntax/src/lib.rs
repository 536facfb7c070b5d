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
//! What it is not: a compiler (that is `lua-bytecode`), nor a pretty
//! printer that round-trips source ([`printer`] is a debugging aid that
//! fully parenthesises expressions). It depends on nothing else of luna, so
//! it can be used alone as a Lua parser.
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
    if chunkname.starts_with('@') {
        let (pos, line) = file_start(source);
        parser::Parser::new(arena, source, chunkname, pos, line).main_func()
    } else {
        parse_text(arena, source, chunkname)
    }
}

/// Parses a chunk exactly as `load` does: no byte-order mark or `#` line
/// is skipped, whatever the chunk name.
pub fn parse_text<'a>(
    arena: &'a bumpalo::Bump,
    source: &[u8],
    chunkname: &str,
) -> Result<ast::Chunk<'a>, SyntaxError> {
    parser::Parser::new(arena, source, chunkname, 0, 1).main_func()
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
