//! `-E` makes luna ignore LUA_PATH*/LUA_CPATH* as lua.c does.

use std::process::Command;

fn package_path(extra_args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_luna"))
        .args(extra_args)
        .args(["-e", "io.write(package.path)"])
        .env("LUA_PATH_5_4", "/from/env/?.lua")
        .output()
        .expect("run luna");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8 path")
}

#[test]
fn lua_path_is_used_without_e_and_ignored_with_it() {
    assert_eq!(package_path(&[]), "/from/env/?.lua");
    let ignored = package_path(&["-E"]);
    assert!(!ignored.contains("/from/env/"), "{ignored}");
    assert!(ignored.ends_with("./?.lua;./?/init.lua"), "{ignored}");
}
