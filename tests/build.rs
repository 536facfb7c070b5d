//! Detects whether `lua_cli::run` exists yet.
//!
//! The corpus runner calls `lua_cli::run(args) -> i32` in its child process.
//! While lua-cli is still binary-only, that call cannot compile, so this
//! script looks for the function in lua-cli's library and sets the
//! `luna_cli_run` cfg when it is there; without it the child reports that
//! no executor is available and the corpus run skips every case.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(luna_cli_run)");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/lua-cli/src");
    let lib = src.join("lib.rs");
    // The directory is watched too, so that creating lib.rs re-runs this.
    println!("cargo::rerun-if-changed={}", src.display());
    println!("cargo::rerun-if-changed={}", lib.display());
    let has_run = std::fs::read_to_string(&lib)
        .map(|text| text.contains("pub fn run("))
        .unwrap_or(false);
    if has_run {
        println!("cargo::rustc-cfg=luna_cli_run");
    }
}
