//! `luna --check`, run in-process through `lua_cli::run` and as the real
//! binary (for stderr and the exit status).

mod common;
use std::process::Command;

fn luna() -> Command {
    Command::new(env!("CARGO_BIN_EXE_luna"))
}

#[test]
fn good_files_pass() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.lua");
    let b = dir.path().join("b.lua");
    std::fs::write(&a, "#!/usr/bin/lua\nlocal x = 1\nprint(x)\n").unwrap();
    std::fs::write(&b, "return function(...) return ... end").unwrap();
    assert_eq!(
        lua_cli::run(vec![
            "luna".into(),
            "--check".into(),
            a.clone().into(),
            b.clone().into()
        ]),
        0
    );
    let out = luna().arg("--check").arg(&a).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

#[test]
fn errors_in_argument_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["--check".to_string()];
    let mut expected = String::new();
    for i in 0..20 {
        let name = format!("f{i:02}.lua");
        let path = dir.path().join(&name);
        if i % 3 == 0 {
            std::fs::write(&path, format!("local x = {i}\nx = = 1\n")).unwrap();
            expected.push_str(&format!("luna: {name}:2: unexpected symbol near '='\n"));
        } else {
            std::fs::write(&path, "print(1)").unwrap();
        }
        args.push(name);
    }
    args.push("missing.lua".into());
    expected.push_str("luna: cannot open missing.lua: No such file or directory\n");
    let out = luna().args(&args).current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
}

#[test]
fn unreadable_paths() {
    let dir = tempfile::tempdir().unwrap();
    // lua5.4 and luac5.4 say exactly this for a directory.
    let msgs = lua_cli::check_files(&[dir.path().as_os_str().to_owned()]);
    assert_eq!(
        msgs,
        vec![Some(format!(
            "cannot read {}: Is a directory",
            dir.path().display()
        ))]
    );
    assert_eq!(
        lua_cli::run(vec!["luna".into(), "--check".into(), dir.path().into()]),
        1
    );
}

fn have_luac() -> bool {
    common::tool_available("luac5.4", &["-v"])
}

#[test]
fn messages_match_luac_when_installed() {
    if !have_luac() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "x = ",
        "function f()\n  return 1\n",
        "local s = 'abc\n'",
        "goto nowhere",
        "for i = 1, 2 do local x <const> = i; x = 2 end",
        "x = 0x1p",
        "#!shebang line\nx = = 1",
    ];
    for (i, src) in cases.iter().enumerate() {
        let name = format!("c{i}.lua");
        std::fs::write(dir.path().join(&name), src).unwrap();
        let luac = Command::new("luac5.4")
            .args(["-p", &name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let ours = luna()
            .args(["--check", &name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let want = String::from_utf8_lossy(&luac.stderr).replacen("luac5.4: ", "luna: ", 1);
        assert_eq!(String::from_utf8_lossy(&ours.stderr), want, "{src}");
        assert_eq!(ours.status.success(), luac.status.success());
    }
}

#[test]
fn dash_is_stdin() {
    use std::io::Write;
    let mut child = luna()
        .args(["--check", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"#!/usr/bin/lua\nx = = 1\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // luac5.4 -p - says the same (after its own program name).
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "luna: stdin:2: unexpected symbol near '='\n"
    );
}
