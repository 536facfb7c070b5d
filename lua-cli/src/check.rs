//! `luna --check`: parse and compile files in parallel, report in argument
//! order.

use rayon::prelude::*;
use std::ffi::OsString;

/// Parses and compiles `source` as the file `path` would be (chunk name
/// `@path`); returns the error message, if any.
pub fn check_source(path: &str, source: &[u8]) -> Option<String> {
    check_chunk(&format!("@{path}"), source)
}

/// Parses and compiles the text of a file (a BOM and a first `#` line are
/// skipped, as `luaL_loadfilex` does) under `chunkname`.
pub fn check_chunk(chunkname: &str, source: &[u8]) -> Option<String> {
    let arena = bumpalo::Bump::new();
    let options = lua_syntax::Options {
        file: true,
        ..Default::default()
    };
    match lua_syntax::parse_with(&arena, source, chunkname, options) {
        Ok(chunk) => lua_bytecode::compile(&chunk, chunkname)
            .err()
            .map(|e| e.message),
        Err(e) => Some(e.message),
    }
}

/// Checks every file (in parallel with rayon); the result has one entry per
/// file, in the same order: `None` when the file is fine, else the message
/// (without the `luna: ` prefix).
pub fn check_files(files: &[OsString]) -> Vec<Option<String>> {
    files
        .par_iter()
        .map(|f| {
            let path = f.to_string_lossy();
            if path == "-" {
                // As luac: `-` is standard input, named "=stdin".
                let mut src = Vec::new();
                return match std::io::Read::read_to_end(&mut std::io::stdin(), &mut src) {
                    Ok(_) => check_chunk("=stdin", &src),
                    Err(e) => Some(format!("cannot read stdin: {}", strerror(&e))),
                };
            }
            match read_file(f) {
                Ok(src) => check_source(&path, &src),
                Err(msg) => Some(msg),
            }
        })
        .collect()
}

/// Reads a file, failing with lauxlib's messages: `cannot open <path>:
/// <reason>` when it cannot be opened, `cannot read <path>: <reason>` when
/// reading fails (a directory, for instance).
pub fn read_file(path: &std::ffi::OsStr) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let name = path.to_string_lossy();
    let mut file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {name}: {}", strerror(&e)))?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {name}: {}", strerror(&e)))?;
    Ok(buf)
}

/// C's `strerror` text of an I/O error (Rust appends " (os error N)").
fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
