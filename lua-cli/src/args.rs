//! Command-line parsing, shaped like `lua.c`'s `collectargs`.
//!
//! `lua [options] [script [args]]` where options are `-e stat`, `-l mod`
//! (`-lmod`, `-l g=mod` too), `-i`, `-v`, `-E`, `-W`, `--` (stop handling
//! options) and `-` (run stdin). luna adds long options: `--check FILE...`,
//! `--list[=tree|flat]`, `--executor=tree|flat`, `--help`. Parsing stops at
//! the first argument that is not an option: that is the script, and what
//! follows are its arguments. As in lua.c, a bad option anywhere stops
//! everything before any code runs.

use std::ffi::OsString;

/// One option that lua.c's `runargs` acts on, in command-line order (it
/// runs them in order, so `-e "warn'x'" -W` warns nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `-e stat`
    Exec(OsString),
    /// `-l mod` (or `-l g=mod`)
    Require(OsString),
    /// `-W`
    Warnings,
}

/// Which executor runs the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Executor {
    Tree,
    #[default]
    Flat,
}

/// Which form `--list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListForm {
    Tree,
    Flat,
}

/// The script operand: where it is in the argument vector and whether it
/// means standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub name: OsString,
    /// `-` not preceded by `--`: read the script from stdin (lua.c's
    /// `handle_script` opens a file named `-` after `--`).
    pub stdin: bool,
    /// Position in the argument vector without the program name; lua.c's
    /// `arg` table numbers arguments relative to it.
    pub index: usize,
}

/// The parsed command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `-e`, `-l` and `-W`, in order.
    pub actions: Vec<Action>,
    /// `-i`
    pub interactive: bool,
    /// `-v` (or `-i`, which implies it)
    pub version: bool,
    /// Whether there was an `-e`: with one, a missing script does not mean
    /// "read stdin or start the REPL".
    pub has_exec: bool,
    /// `-E`
    pub ignore_env: bool,
    /// `--check`: parse (and compile) the files instead of running them.
    pub check: bool,
    /// `--list[=tree|flat]`
    pub list: Option<ListForm>,
    /// `--executor=...`
    pub executor: Option<Executor>,
    /// `--help`
    pub help: bool,
    /// `--sandbox`: the libraries cut down as `lua_runtime::sandbox` says.
    pub sandbox: bool,
    /// `--max-instructions=N`, `--max-memory=BYTES`, `--max-depth=N`,
    /// `--max-string=BYTES`.
    pub limits: lua_runtime::Limits,
    pub script: Option<Script>,
    /// The arguments after the script (for `--check`/`--list`, more files).
    pub script_args: Vec<OsString>,
}

/// A command-line error, printed as lua.c's `print_usage` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgError {
    /// An option lua does not know (`unrecognized option '-x'`).
    Unrecognized(String),
    /// `-e`/`-l` without its argument (`'-e' needs argument`).
    NeedsArgument(String),
    /// A luna option with a bad value.
    BadValue(String),
}

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArgError::Unrecognized(o) => write!(f, "unrecognized option '{o}'"),
            ArgError::NeedsArgument(o) => write!(f, "'{o}' needs argument"),
            ArgError::BadValue(o) => write!(f, "bad value in option '{o}'"),
        }
    }
}

/// Parses `args` (without the program name).
pub fn parse_args(args: &[OsString]) -> Result<Options, ArgError> {
    let mut o = Options::default();
    let mut i = 0;
    let mut after_dashdash = false;
    while i < args.len() {
        let a = args[i].to_string_lossy().into_owned();
        if !a.starts_with('-') || a == "-" {
            break;
        }
        i += 1;
        match a.as_str() {
            "--" => {
                after_dashdash = true;
                break;
            }
            "--check" => o.check = true,
            "--help" => o.help = true,
            "--list" | "--list=flat" => o.list = Some(ListForm::Flat),
            "--list=tree" => o.list = Some(ListForm::Tree),
            "--executor=flat" => o.executor = Some(Executor::Flat),
            "--executor=tree" => o.executor = Some(Executor::Tree),
            _ if a.starts_with("--list=") || a.starts_with("--executor=") => {
                return Err(ArgError::BadValue(a));
            }
            "--sandbox" => o.sandbox = true,
            _ if a.starts_with("--max-") => {
                let (name, value) = a
                    .split_once('=')
                    .ok_or_else(|| ArgError::BadValue(a.clone()))?;
                let n = parse_size(value).ok_or_else(|| ArgError::BadValue(a.clone()))?;
                let l = &mut o.limits;
                match name {
                    "--max-instructions" => l.instructions = Some(n),
                    "--max-memory" => l.memory = Some(n as usize),
                    "--max-depth" => l.call_depth = Some(n as usize),
                    "--max-string" => l.string_size = Some(n as usize),
                    _ => return Err(ArgError::Unrecognized(a)),
                }
            }
            "-i" => {
                o.interactive = true;
                o.version = true;
            }
            "-v" => o.version = true,
            "-E" => o.ignore_env = true,
            "-W" => o.actions.push(Action::Warnings),
            _ if a.starts_with("-e") || a.starts_with("-l") => {
                // The value is the rest of this argument, or the next
                // argument if that is not an option (lua.c's rule).
                let value = if a.len() > 2 {
                    os_suffix(&args[i - 1], 2)
                } else {
                    match args.get(i) {
                        Some(v) if !v.to_string_lossy().starts_with('-') => {
                            i += 1;
                            v.clone()
                        }
                        _ => return Err(ArgError::NeedsArgument(a[..2].to_string())),
                    }
                };
                if a.starts_with("-e") {
                    o.has_exec = true;
                    o.actions.push(Action::Exec(value));
                } else {
                    o.actions.push(Action::Require(value));
                }
            }
            _ => return Err(ArgError::Unrecognized(a)),
        }
    }
    if i < args.len() {
        o.script = Some(Script {
            name: args[i].clone(),
            stdin: args[i] == "-" && !after_dashdash,
            index: i,
        });
        o.script_args = args[i + 1..].to_vec();
    }
    Ok(o)
}

/// A count with an optional binary suffix: `1000`, `64K`, `16M`, `2G`.
fn parse_size(v: &str) -> Option<u64> {
    let (digits, shift) = match v.as_bytes().last()? {
        b'K' | b'k' => (&v[..v.len() - 1], 10),
        b'M' | b'm' => (&v[..v.len() - 1], 20),
        b'G' | b'g' => (&v[..v.len() - 1], 30),
        _ => (v, 0),
    };
    let n: u64 = digits.parse().ok()?;
    n.checked_mul(1 << shift)
}

/// `s` without its first `n` bytes (`n` falls on an ASCII boundary: the
/// caller matched an ASCII option prefix), keeping non-UTF-8 bytes.
fn os_suffix(s: &OsString, n: usize) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        OsString::from_vec(s.as_bytes()[n..].to_vec())
    }
    #[cfg(not(unix))]
    {
        OsString::from(s.to_string_lossy()[n..].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &[&str]) -> Result<Options, ArgError> {
        let v: Vec<OsString> = v.iter().map(OsString::from).collect();
        parse_args(&v)
    }

    #[test]
    fn lua_style() {
        let o = p(&["-e", "x=1", "-lfoo", "-W", "s.lua", "a", "-e"]).unwrap();
        assert_eq!(
            o.actions,
            vec![
                Action::Exec("x=1".into()),
                Action::Require("foo".into()),
                Action::Warnings
            ]
        );
        assert!(o.has_exec);
        let s = o.script.unwrap();
        assert_eq!(s.name, "s.lua");
        assert_eq!(s.index, 4);
        assert!(!s.stdin);
        assert_eq!(
            o.script_args,
            vec![OsString::from("a"), OsString::from("-e")]
        );
    }

    #[test]
    fn stops_at_dashdash_and_dash() {
        let o = p(&["--", "-v"]).unwrap();
        assert_eq!(o.script.unwrap().name, "-v");
        assert!(!o.version);
        let o = p(&["-", "x"]).unwrap();
        assert!(o.script.unwrap().stdin);
        let o = p(&["--", "-"]).unwrap();
        assert!(!o.script.unwrap().stdin);
        let o = p(&["--"]).unwrap();
        assert_eq!(o.script, None);
    }

    #[test]
    fn errors() {
        assert_eq!(p(&["-x"]), Err(ArgError::Unrecognized("-x".into())));
        assert_eq!(p(&["-ix"]), Err(ArgError::Unrecognized("-ix".into())));
        assert_eq!(p(&["--x"]), Err(ArgError::Unrecognized("--x".into())));
        assert_eq!(p(&["-e"]), Err(ArgError::NeedsArgument("-e".into())));
        assert_eq!(p(&["-l", "-v"]), Err(ArgError::NeedsArgument("-l".into())));
        assert_eq!(
            p(&["--executor=fast"]),
            Err(ArgError::BadValue("--executor=fast".into()))
        );
    }

    #[test]
    fn luna_options() {
        let o = p(&["--check", "a.lua", "b.lua"]).unwrap();
        assert!(o.check);
        assert_eq!(o.script.unwrap().name, "a.lua");
        assert_eq!(o.script_args, vec![OsString::from("b.lua")]);
        let o = p(&["--list=tree", "--executor=tree", "x"]).unwrap();
        assert_eq!(o.list, Some(ListForm::Tree));
        assert_eq!(o.executor, Some(Executor::Tree));
        assert!(p(&["--help"]).unwrap().help);
        let o = p(&[
            "--sandbox",
            "--max-instructions=1000",
            "--max-memory=64M",
            "x",
        ])
        .unwrap();
        assert!(o.sandbox);
        assert_eq!(o.limits.instructions, Some(1000));
        assert_eq!(o.limits.memory, Some(64 << 20));
        assert_eq!(
            p(&["--max-memory=lots"]),
            Err(ArgError::BadValue("--max-memory=lots".into()))
        );
        assert_eq!(
            p(&["--max-speed=1"]),
            Err(ArgError::Unrecognized("--max-speed=1".into()))
        );
    }
}
