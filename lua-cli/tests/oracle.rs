//! The `luna` command line against `lua5.4`'s: every option, `LUA_INIT*`,
//! scripts from stdin, the `arg` table, error messages and exit codes.
//! Both programs run with `argv[0] = "luna"` (lua.c names itself after
//! `argv[0]`), so their outputs compare byte for byte; only `-v`'s version
//! line differs (luna prints its own).
//!
//! Skips with a note when `lua5.4` is not installed, unless `CI=true`.

mod common;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// One run: arguments, environment variables set, stdin.
struct Case {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    stdin: &'static str,
}

const fn case(args: &'static [&'static str]) -> Case {
    Case {
        args,
        env: &[],
        stdin: "",
    }
}

const fn with_env(
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        args,
        env,
        stdin: "",
    }
}

const fn with_stdin(args: &'static [&'static str], stdin: &'static str) -> Case {
    Case {
        args,
        env: &[],
        stdin,
    }
}

const CASES: &[Case] = &[
    // Scripts, their arguments and the `arg` table.
    case(&["script.lua", "a", "b"]),
    case(&["-e", "x=1", "script.lua", "a", "b"]),
    case(&["--", "script.lua", "a"]),
    case(&["-e", "print(arg[0], arg[-1], arg[1], arg[2], #arg)"]),
    case(&["-e", "arg = {'replaced'}", "script.lua", "a"]),
    case(&["shebang.lua"]),
    // Missing and unreadable scripts.
    case(&["nosuchfile.lua"]),
    case(&["."]),
    case(&["--", "-"]),
    case(&["-e", "print(1)", "--", "-e", "print(2)"]),
    // Errors in scripts: syntax, runtime, non-string error objects.
    case(&["syntax.lua"]),
    case(&["error.lua"]),
    case(&["-e", "x="]),
    case(&["-e", "error({})"]),
    case(&["-e", "error(nil)"]),
    case(&["-e", "error(true)"]),
    case(&["-e", "error(12)"]),
    case(&["-e", "error(1.5)"]),
    case(&[
        "-e",
        "error(setmetatable({}, {__tostring = function() return 'custom' end}))",
    ]),
    case(&[
        "-e",
        "error(setmetatable({}, {__tostring = function() return 12 end}))",
    ]),
    case(&["-e", "error('x', 0)"]),
    // Exit codes.
    case(&["-e", "os.exit(3)"]),
    case(&["-e", "os.exit(false)"]),
    case(&["-e", "os.exit(true)"]),
    // -e, -l, -W in command-line order.
    case(&["-e", "print(1)", "-e", "print(2)"]),
    case(&["-eprint(3)"]),
    case(&["-lmod", "-e", "print(mod.name)"]),
    case(&["-l", "mod", "-e", "print(mod.name)"]),
    case(&["-lm=mod", "-e", "print(m.name, mod)"]),
    case(&["-l", "g=mod", "-e", "print(g.name)"]),
    case(&["-lnosuchmodule"]),
    case(&["-e", "print(1)", "-lnosuchmodule", "-e", "print(2)"]),
    case(&["-W", "-e", "warn('on')"]),
    case(&["-e", "warn('off')", "-W", "-e", "warn('now on')"]),
    case(&["-e", "warn('@on') warn('by code')"]),
    // Bad options: message, usage, status 1, nothing run.
    case(&["-x"]),
    case(&["-ix"]),
    case(&["-vx"]),
    case(&["-Ex"]),
    case(&["-Wx"]),
    case(&["--x"]),
    case(&["-e"]),
    case(&["-l"]),
    case(&["-e", "-x"]),
    case(&["-e", "print(1)", "-x"]),
    case(&["-", "-x"]),
    // -v, -i (without a terminal), -E.
    case(&["-v"]),
    case(&["-v", "-e", "print(1)"]),
    case(&["-E", "-v"]),
    with_stdin(&["-i", "-e", "x = 5"], "x\n1 +\n2\nerror('e')\n=x*2\n"),
    with_stdin(&["-i", "script.lua", "z"], "print(...)\n"),
    with_stdin(
        &["-i"],
        "_PROMPT = '$ '\n_PROMPT2 = '+ '\nif true then\nend\n",
    ),
    with_stdin(&["-i"], "print = nil\n1\n"),
    // Standard input as the script.
    with_stdin(&[], "print('stdin', ...) print(arg[0], #arg)"),
    with_stdin(&["-"], "print('dash', ...)"),
    with_stdin(
        &["-", "a", "b"],
        "print('dash', ...) print(arg[0], arg[-1], #arg)",
    ),
    with_stdin(&["--"], "print('after --', #arg)"),
    with_stdin(&["-E", "-W"], "print('flags only')"),
    with_stdin(&["-e", "print('e')"], "print('not run')"),
    with_stdin(
        &[],
        "#!/usr/bin/lua\nprint('shebang stdin')\nerror('line 3')",
    ),
    with_stdin(&[], "x ="),
    // LUA_INIT_5_4, then LUA_INIT; @file; errors; -E.
    with_env(&["-e", "print(2)"], &[("LUA_INIT", "print('init')")]),
    with_env(
        &["-e", "print(2)"],
        &[
            ("LUA_INIT", "print('init')"),
            ("LUA_INIT_5_4", "print('init 5.4')"),
        ],
    ),
    with_env(&["-E", "-e", "print(2)"], &[("LUA_INIT", "print('init')")]),
    with_env(&["-e", "print(2)"], &[("LUA_INIT", "@script.lua")]),
    with_env(&["-e", "print(2)"], &[("LUA_INIT_5_4", "@nosuchfile.lua")]),
    with_env(&["-e", "print(2)"], &[("LUA_INIT", "error('init failed')")]),
    with_env(&["-e", "print(2)"], &[("LUA_INIT", "x =")]),
    with_env(&["-e", "print(2)"], &[("LUA_INIT_5_4", "x =")]),
    with_env(&["script.lua"], &[("LUA_INIT", "print(#arg, arg[0])")]),
    // -E and the search paths.
    with_env(
        &["-e", "print(package.path)"],
        &[("LUA_PATH_5_4", "/from/env/?.lua")],
    ),
    with_env(
        &["-E", "-e", "print(package.path == '/from/env/?.lua')"],
        &[("LUA_PATH_5_4", "/from/env/?.lua")],
    ),
];

/// Files the cases use, written to a fresh directory.
const FILES: &[(&str, &str)] = &[
    (
        "script.lua",
        "print('script', ...)\nprint(arg[0], arg[-1], arg[1], #arg)\n",
    ),
    ("shebang.lua", "#!/usr/bin/env lua\nprint('shebang')\n"),
    ("syntax.lua", "x = = 1\n"),
    (
        "error.lua",
        "local function f()\n  error('boom')\nend\nf()\n",
    ),
    ("mod.lua", "return { name = 'the module' }\n"),
];

fn have_lua() -> bool {
    common::tool_available("lua5.4", &["-e", ""])
}

struct Observed {
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

fn run(program: &str, dir: &Path, c: &Case) -> Observed {
    let mut cmd = Command::new(program);
    cmd.arg0("luna")
        .args(c.args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "LUA_INIT",
        "LUA_INIT_5_4",
        "LUA_PATH",
        "LUA_PATH_5_4",
        "LUA_CPATH",
        "LUA_CPATH_5_4",
        "LUNA_EXECUTOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(c.env.iter().copied());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    // A program that does not read its stdin may exit first: ignore EPIPE.
    let _ = stdin.write_all(c.stdin.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    Observed {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code(),
    }
}

/// lua5.4's `-v` line made luna's.
fn luna_version(stdout: &str, version: &str) -> String {
    stdout
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with("Lua 5.4") && l.contains("Copyright") {
                format!("{version}\n")
            } else {
                l.to_string()
            }
        })
        .collect()
}

#[test]
fn options_env_stdin_and_exit_codes_match_lua54() {
    if !have_lua() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in FILES {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let luna = env!("CARGO_BIN_EXE_luna");
    let version = format!("luna {} (Lua 5.4)", env!("CARGO_PKG_VERSION"));
    let mut failures = Vec::new();
    for c in CASES {
        let want = run("lua5.4", dir.path(), c);
        let got = run(luna, dir.path(), c);
        let want_stdout = luna_version(&want.stdout, &version);
        if got.stdout != want_stdout || got.stderr != want.stderr || got.status != want.status {
            failures.push(format!(
                "args {:?} env {:?} stdin {:?}\n  lua5.4: status {:?}\n    stdout {:?}\n    stderr {:?}\n  luna:   status {:?}\n    stdout {:?}\n    stderr {:?}",
                c.args,
                c.env,
                c.stdin,
                want.status,
                want_stdout,
                want.stderr,
                got.status,
                got.stdout,
                got.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from lua5.4:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// lua.c names itself after `argv[0]`, whatever it is.
#[test]
fn program_name_is_argv0() {
    let out = Command::new(env!("CARGO_BIN_EXE_luna"))
        .arg0("my-lua")
        .arg("nosuchfile.lua")
        .output()
        .expect("run luna");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "my-lua: cannot open nosuchfile.lua: No such file or directory\n"
    );
}

/// luna's own options are listed by `--help`, which exits with 0.
#[test]
fn help_lists_every_option() {
    let out = Command::new(env!("CARGO_BIN_EXE_luna"))
        .arg0("luna")
        .arg("--help")
        .output()
        .expect("run luna");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "usage: luna [options] [script [args]]",
        "-e stat",
        "-i ",
        "-l mod",
        "-l g=mod",
        "-v ",
        "-E ",
        "-W ",
        "--executor=tree|flat",
        "--check",
        "--list[=tree|flat]",
        "--help",
        "LUA_INIT",
        "LUNA_HISTORY",
    ] {
        assert!(text.contains(opt), "--help does not mention {opt}:\n{text}");
    }
}

/// `--executor` and `LUNA_EXECUTOR` pick the executor; a bad value is an
/// error with status 1.
#[test]
fn executor_choice() {
    let luna = env!("CARGO_BIN_EXE_luna");
    for args in [&["--executor=tree"][..], &["--executor=flat"][..], &[][..]] {
        let out = Command::new(luna)
            .args(args)
            .args(["-e", "print(1 + 1)"])
            .output()
            .expect("run luna");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n", "{args:?}");
    }
    let out = Command::new(luna)
        .arg0("luna")
        .args(["--executor=fast", "-e", "print(1)"])
        .output()
        .expect("run luna");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("luna: bad value in option '--executor=fast'\nusage: luna")
    );
    let out = Command::new(luna)
        .arg0("luna")
        .env("LUNA_EXECUTOR", "fast")
        .args(["-e", "print(1)"])
        .output()
        .expect("run luna");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "luna: unknown executor 'fast' (expected tree or flat)\n"
    );
    // -E ignores LUNA_EXECUTOR as it ignores LUA_*.
    let out = Command::new(luna)
        .env("LUNA_EXECUTOR", "fast")
        .args(["-E", "-e", "print(1)"])
        .output()
        .expect("run luna");
    assert_eq!(out.status.code(), Some(0));
}
