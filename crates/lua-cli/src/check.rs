//! `luna --check`: parse and compile files in parallel, report in argument
//! order.

use rayon::prelude::*;
use std::ffi::OsString;

/// Parses and compiles `source` as the file `path` would be (chunk name
/// `@path`); returns the error message, if any.
pub fn check_source(path: &str, source: &[u8]) -> Option<String> {
    let arena = bumpalo::Bump::new();
    let chunkname = format!("@{path}");
    match lua_syntax::parse(&arena, source, &chunkname) {
        Ok(chunk) => lua_bytecode::compile(&chunk, &chunkname)
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
            match std::fs::read(f) {
                Ok(src) => check_source(&path, &src),
                Err(_) => Some(format!("cannot open {path}")),
            }
        })
        .collect()
}
