//! lua-cli: the `luna` command, as a library.
//!
//! [`run`] takes the whole argument vector and returns the exit status, so
//! the binary (`src/main.rs`) is one line and tests run the CLI in-process.
//! The command line follows `lua5.4`'s (`-e`, `-l`, `-i`, `-v`, `-E`, `-W`,
//! `--`, `-`, `script args...`, see [`args`]) plus luna's long options.
//! Scripts and `-e` chunks run on the executor `--executor=tree|flat` (or
//! `LUNA_EXECUTOR`) names, flat by default, with lua.c's error reporting
//! (the `runner` module); `-i` and a terminal without a script start the
//! REPL. `luna --check FILE...` parses and compiles every file (in
//! parallel) and reports each error as `luna: <message>` on stderr, in
//! argument order, exiting with 1 if any file failed; `--list[=tree|flat]`
//! prints bytecode listings.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let ok = dir.path().join("ok.lua");
//! std::fs::write(&ok, "print('hi')").unwrap();
//! assert_eq!(lua_cli::run(vec!["luna".into(), "--check".into(), ok.into()]), 0);
//! ```

pub mod args;
mod check;
mod list;
mod runner;

use std::ffi::OsString;
use std::io::Write;

pub use check::{check_chunk, check_files, check_source, read_file};

/// The program name used in messages.
pub const PROGNAME: &str = "luna";

/// Runs `luna` with `argv` (including the program name) and returns the
/// process exit status.
pub fn run(argv: Vec<OsString>) -> i32 {
    let rest = if argv.is_empty() {
        &argv[..]
    } else {
        &argv[1..]
    };
    let opts = match args::parse_args(rest) {
        Ok(o) => o,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{PROGNAME}: {e}");
            let _ = writeln!(err, "{}", usage());
            return 1;
        }
    };
    if opts.check {
        let mut files: Vec<OsString> = Vec::new();
        files.extend(opts.script.iter().cloned());
        files.extend(opts.script_args.iter().cloned());
        let errors = check_files(&files);
        let mut err = std::io::stderr().lock();
        for e in errors.iter().flatten() {
            let _ = writeln!(err, "{PROGNAME}: {e}");
        }
        return i32::from(errors.iter().any(Option::is_some));
    }
    if let Some(form) = opts.list {
        let mut files: Vec<OsString> = Vec::new();
        files.extend(opts.script.iter().cloned());
        files.extend(opts.script_args.iter().cloned());
        return list::list_files(&files, form);
    }
    runner::run_options(opts, argv)
}

fn usage() -> String {
    format!(
        "usage: {PROGNAME} [options] [script [args]]\n\
         Available options are:\n  \
         -e stat   execute string 'stat'\n  \
         -i        enter interactive mode after executing 'script'\n  \
         -l mod    require library 'mod' into global 'mod'\n  \
         -l g=mod  require library 'mod' into global 'g'\n  \
         -v        show version information\n  \
         -E        ignore environment variables\n  \
         -W        turn warnings on\n  \
         --        stop handling options\n  \
         -         stop handling options and execute stdin\n  \
         --check   parse and compile the files given and report errors\n  \
         --list[=tree|flat]      list the bytecode of 'script'\n  \
         --executor=tree|flat    choose the executor (default flat)"
    )
}
