//! `luna --list[=tree|flat] FILE...`: compile each file and print its
//! bytecode listing (every function, in the spirit of `luac -l -l`).

use std::ffi::OsString;
use std::io::{Read, Write};

use crate::args::ListForm;

/// Lists every file (`-` reads stdin); returns the exit status: 0, or 1
/// after printing `luna: <message>` for the first file that does not
/// compile.
pub fn list_files(files: &[OsString], form: ListForm) -> i32 {
    let form = match form {
        ListForm::Tree => lua_bytecode::Form::Tree,
        ListForm::Flat => lua_bytecode::Form::Flat,
    };
    let mut out = std::io::stdout().lock();
    for f in files {
        let (src, chunkname) = if f == "-" {
            let mut buf = Vec::new();
            if std::io::stdin().read_to_end(&mut buf).is_err() {
                let _ = writeln!(std::io::stderr(), "{}: cannot read stdin", crate::PROGNAME);
                return 1;
            }
            (buf, "=stdin".to_string())
        } else {
            let path = f.to_string_lossy();
            match std::fs::read(f) {
                Ok(src) => (src, format!("@{path}")),
                Err(_) => {
                    let _ = writeln!(std::io::stderr(), "{}: cannot open {path}", crate::PROGNAME);
                    return 1;
                }
            }
        };
        match lua_bytecode::compile_source(&src, &chunkname) {
            Ok(p) => {
                let _ = out.write_all(lua_bytecode::list(&p, form).as_bytes());
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "{}: {}", crate::PROGNAME, e.message);
                return 1;
            }
        }
    }
    0
}
