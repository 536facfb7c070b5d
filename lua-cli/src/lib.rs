//! lua-cli: the `luna` command, as a library.
//!
//! [`run`] takes the whole argument vector and returns the exit status, so
//! the binary (`src/main.rs`) is one line and tests run the CLI in-process.
//! The command line is `lua5.4`'s (`-e`, `-l`, `-i`, `-v`, `-E`, `-W`,
//! `--`, `-`, `script args...`, see [`args`]) plus luna's long options,
//! and runs as lua.c's `pmain` does (the `runner` module): `LUA_INIT_5_4`
//! or `LUA_INIT`, the options in order, the script, the REPL (`repl`, with
//! rustyline: history, Tab completion from the live state in `complete`);
//! messages are prefixed with `argv[0]` as lua.c's. Code runs on the
//! executor `--executor=tree|flat` (or `LUNA_EXECUTOR`) names, flat by
//! default; Ctrl-C stops a running chunk (`interrupt`). `luna --check
//! FILE...` parses and compiles every file (in parallel) and reports each
//! error as `luna: <message>` on stderr, in argument order, exiting with 1
//! if any file failed; `--list[=tree|flat]` prints bytecode listings;
//! `--help` prints the usage.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let ok = dir.path().join("ok.lua");
//! std::fs::write(&ok, "print('hi')").unwrap();
//! assert_eq!(lua_cli::run(vec!["luna".into(), "--check".into(), ok.into()]), 0);
//! ```

pub mod args;
mod check;
mod complete;
mod interrupt;
mod list;
mod repl;
mod runner;

use std::ffi::OsString;
use std::io::Write;

pub use check::{check_chunk, check_files, check_source, read_file};

/// The program name used in messages when `argv[0]` is missing or empty,
/// and by `--check` and `--list`.
pub const PROGNAME: &str = "luna";

/// The name lua.c calls `progname`: `argv[0]` as given, unless it is
/// missing or empty.
fn progname(argv: &[OsString]) -> String {
    match argv.first() {
        Some(a) if !a.is_empty() => a.to_string_lossy().into_owned(),
        _ => PROGNAME.to_string(),
    }
}

/// Runs `luna` with `argv` (including the program name) and returns the
/// process exit status. The interpreter runs on a thread of its own with
/// a large stack; the process's `main` calls [`run_as_main`] instead.
pub fn run(argv: Vec<OsString>) -> i32 {
    run_with(argv, false)
}

/// [`run`] for the process's main thread: the interpreter runs on the
/// calling thread when the main thread's stack may grow far enough
/// (`runner::main_stack_suffices`), which saves starting a thread (a
/// sixth of an empty script's run time). Call it only from the main
/// thread: other threads' stacks do not grow to `RLIMIT_STACK`.
pub fn run_as_main(argv: Vec<OsString>) -> i32 {
    run_with(argv, true)
}

fn run_with(argv: Vec<OsString>, main_thread: bool) -> i32 {
    let rest = if argv.is_empty() {
        &argv[..]
    } else {
        &argv[1..]
    };
    let progname = progname(&argv);
    let opts = match args::parse_args(rest) {
        Ok(o) => o,
        Err(e) => {
            // lua.c's `print_usage`: the complaint, then the usage text.
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{progname}: {e}\n{}", usage(&progname));
            return 1;
        }
    };
    if opts.help {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{}{}", usage(&progname), LUNA_OPTIONS);
        return 0;
    }
    let files = || {
        let mut files: Vec<OsString> = Vec::new();
        files.extend(opts.script.iter().map(|s| s.name.clone()));
        files.extend(opts.script_args.iter().cloned());
        files
    };
    if opts.check {
        let errors = check_files(&files());
        let mut err = std::io::stderr().lock();
        for e in errors.iter().flatten() {
            let _ = writeln!(err, "{PROGNAME}: {e}");
        }
        return i32::from(errors.iter().any(Option::is_some));
    }
    if let Some(form) = opts.list {
        return list::list_files(&files(), form);
    }
    runner::run_options(opts, argv, progname, main_thread)
}

/// lua.c's usage text, word for word, with `progname`.
fn usage(progname: &str) -> String {
    format!(
        "usage: {progname} [options] [script [args]]\n\
         Available options are:\n  \
         -e stat   execute string 'stat'\n  \
         -i        enter interactive mode after executing 'script'\n  \
         -l mod    require library 'mod' into global 'mod'\n  \
         -l g=mod  require library 'mod' into global 'g'\n  \
         -v        show version information\n  \
         -E        ignore environment variables\n  \
         -W        turn warnings on\n  \
         --        stop handling options\n  \
         -         stop handling options and execute stdin\n"
    )
}

/// luna's own options, listed by `--help` after lua.c's.
const LUNA_OPTIONS: &str = "\
luna's options (before the script):
  --executor=tree|flat  run code on the tree or the flat executor (default
                        flat; also the LUNA_EXECUTOR environment variable)
  --check FILE...       parse and compile the files and report errors
  --list[=tree|flat] FILE...
                        print the bytecode listing of the files
  --sandbox             no io, package, require, dofile, loadfile, binary
                        chunks; os, debug and collectgarbage cut down;
                        library tables read-only (docs/EMBEDDING.md)
  --max-instructions=N  end the run after N units of work (loop iterations,
                        calls, work in long natives); no pcall catches it
  --max-memory=BYTES    raise 'not enough memory' past BYTES (suffix K, M, G)
  --max-depth=N         raise 'stack overflow' past N nested Lua calls
  --max-string=BYTES    no string longer than BYTES
  --help                print this text
Environment: LUA_INIT_5_4 or LUA_INIT (code, or @file to run first),
LUA_PATH_5_4/LUA_PATH, LUA_CPATH_5_4/LUA_CPATH (ignored with -E),
LUNA_HISTORY (the REPL's history file; empty for none).
";
