//! Command-line parsing, shaped like `lua.c`'s `collectargs`.
//!
//! `lua [options] [script [args]]` where options are `-e stat`, `-l mod`
//! (`-lmod` too), `-i`, `-v`, `-E`, `-W`, `--` (stop handling options) and
//! `-` (run stdin). luna adds long options: `--check FILE...`,
//! `--list[=tree|flat]`, `--executor=tree|flat`. Parsing stops at the first
//! argument that is not an option: that is the script, and what follows are
//! its arguments.

use std::ffi::OsString;

/// One `-e` or `-l`, in command-line order (lua.c runs them in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `-e stat`
    Exec(OsString),
    /// `-l mod` (or `-l g=mod`)
    Require(OsString),
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

/// The parsed command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub actions: Vec<Action>,
    /// `-i`
    pub interactive: bool,
    /// `-v`
    pub version: bool,
    /// `-E`
    pub ignore_env: bool,
    /// `-W`
    pub warnings: bool,
    /// `--check`: parse (and compile) the files instead of running them.
    pub check: bool,
    /// `--list[=tree|flat]`
    pub list: Option<ListForm>,
    /// `--executor=...`
    pub executor: Option<Executor>,
    /// The script (`-` for stdin) and its arguments; `script_index` is the
    /// position of the script in the original argument vector (lua.c's
    /// `arg` table numbers arguments relative to it).
    pub script: Option<OsString>,
    pub script_args: Vec<OsString>,
    pub script_index: usize,
}

/// A command-line error, printed as lua.c prints it.
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
    while i < args.len() {
        let a = args[i].to_string_lossy().into_owned();
        if !a.starts_with('-') || a == "-" {
            break;
        }
        i += 1;
        match a.as_str() {
            "--" => break,
            "--check" => o.check = true,
            "--list" => o.list = Some(ListForm::Flat),
            "--list=flat" => o.list = Some(ListForm::Flat),
            "--list=tree" => o.list = Some(ListForm::Tree),
            "--executor=flat" => o.executor = Some(Executor::Flat),
            "--executor=tree" => o.executor = Some(Executor::Tree),
            _ if a.starts_with("--list=") || a.starts_with("--executor=") => {
                return Err(ArgError::BadValue(a));
            }
            "-i" => {
                o.interactive = true;
                o.version = true;
            }
            "-v" => o.version = true,
            "-E" => o.ignore_env = true,
            "-W" => o.warnings = true,
            _ if a.starts_with("-e") || a.starts_with("-l") => {
                let value = if a.len() > 2 {
                    OsString::from(&a[2..])
                } else {
                    match args.get(i) {
                        Some(v) if !v.to_string_lossy().starts_with('-') => {
                            i += 1;
                            v.clone()
                        }
                        _ => return Err(ArgError::NeedsArgument(a[..2].to_string())),
                    }
                };
                o.actions.push(if a.starts_with("-e") {
                    Action::Exec(value)
                } else {
                    Action::Require(value)
                });
            }
            _ => return Err(ArgError::Unrecognized(a)),
        }
    }
    if i < args.len() {
        o.script = Some(args[i].clone());
        o.script_index = i;
        o.script_args = args[i + 1..].to_vec();
    }
    Ok(o)
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
            vec![Action::Exec("x=1".into()), Action::Require("foo".into())]
        );
        assert!(o.warnings);
        assert_eq!(o.script, Some("s.lua".into()));
        assert_eq!(
            o.script_args,
            vec![OsString::from("a"), OsString::from("-e")]
        );
        assert_eq!(o.script_index, 4);
    }

    #[test]
    fn stops_at_dashdash_and_dash() {
        let o = p(&["--", "-v"]).unwrap();
        assert_eq!(o.script, Some("-v".into()));
        assert!(!o.version);
        let o = p(&["-", "x"]).unwrap();
        assert_eq!(o.script, Some("-".into()));
    }

    #[test]
    fn errors() {
        assert_eq!(p(&["-x"]), Err(ArgError::Unrecognized("-x".into())));
        assert_eq!(p(&["-e"]), Err(ArgError::NeedsArgument("-e".into())));
        assert_eq!(
            p(&["--executor=fast"]),
            Err(ArgError::BadValue("--executor=fast".into()))
        );
    }

    #[test]
    fn luna_options() {
        let o = p(&["--check", "a.lua", "b.lua"]).unwrap();
        assert!(o.check);
        assert_eq!(o.script, Some("a.lua".into()));
        assert_eq!(o.script_args, vec![OsString::from("b.lua")]);
        let o = p(&["--list=tree", "--executor=tree", "x"]).unwrap();
        assert_eq!(o.list, Some(ListForm::Tree));
        assert_eq!(o.executor, Some(Executor::Tree));
    }
}
