//! `--sandbox` and the `--max-*` limits on the command line: a limit hit
//! prints `luna: msg` and the traceback on stderr and exits with status 1,
//! on both executors.

use std::process::Command;

fn luna(args: &[&str], code: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_luna"))
        .args(args)
        .args(["-e", code])
        .output()
        .expect("run luna");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn limits_end_the_run_with_status_1() {
    for ex in ["--executor=tree", "--executor=flat"] {
        let (code, _, err) = luna(
            &[ex, "--max-instructions=100000"],
            "while true do pcall(function() while true do end end) end",
        );
        assert_eq!(code, 1, "{ex}");
        assert!(
            err.contains("luna: (command line):1: instruction limit exceeded"),
            "{ex}: {err}"
        );
        let (code, _, err) = luna(
            &[ex, "--max-memory=8M"],
            "local t = {} for i = 1, 1e8 do t[i] = i end",
        );
        assert_eq!(code, 1, "{ex}");
        assert!(err.contains("luna: not enough memory"), "{ex}: {err}");
        let (code, out, _) = luna(
            &[ex, "--max-depth=100"],
            "local function f() return 1 + f() end print(pcall(f))",
        );
        assert_eq!(
            (code, out.as_str()),
            (0, "false\t(command line):1: stack overflow\n"),
            "{ex}"
        );
        let (code, out, _) = luna(
            &[ex, "--max-string=1K"],
            "print(pcall(string.rep, 'x', 2000))",
        );
        assert_eq!(
            (code, out.as_str()),
            (0, "false\tresulting string too large\n"),
            "{ex}"
        );
    }
}

#[test]
fn the_sandbox_removes_the_host() {
    let (code, out, _) = luna(
        &["--sandbox"],
        "print(io, require, os.execute, debug.getinfo, pcall(function() string.x = 1 end))",
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "nil\tnil\tnil\tnil\tfalse\t(command line):1: attempt to modify a read-only table\n"
    );
    let (code, out, _) = luna(&[], "print(io ~= nil, require ~= nil)");
    assert_eq!((code, out.as_str()), (0, "true\ttrue\n"));
}
