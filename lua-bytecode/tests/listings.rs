//! Snapshot tests of the listings (tree and flat form) of every program in
//! `tests/programs`. A change in code generation shows up as a snapshot
//! diff to review (`INSTA_UPDATE=always cargo test -p lua-bytecode` or
//! `cargo insta review`). `insta::glob!` checks every program before
//! failing, so one run shows every diff.

use lua_bytecode::{Form, compile_source, list};

/// Snapshots are named `<form>@<program>.lua.snap` (`glob!` puts the file
/// name after the `@`).
fn snapshot_all(form: Form, form_name: &str) {
    let mut count = 0;
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::glob!("programs/*.lua", |path| {
            count += 1;
            let name = path.file_name().unwrap().to_string_lossy();
            let src = std::fs::read(path).unwrap();
            let p = compile_source(&src, &format!("@{name}"))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            insta::assert_snapshot!(form_name, list(&p, form));
        });
    });
    assert!(count >= 40, "only {count} programs");
}

#[test]
fn tree_listings() {
    snapshot_all(Form::Tree, "tree");
}

#[test]
fn flat_listings() {
    snapshot_all(Form::Flat, "flat");
}
