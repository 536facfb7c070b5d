//! Snapshot tests of the listings (tree and flat form) of every program in
//! `tests/programs`. A change in code generation shows up as a snapshot
//! diff to review (`INSTA_UPDATE=always cargo test -p lua-bytecode` or
//! `cargo insta review`).

use std::path::Path;

use lua_bytecode::{Form, compile_source, list};

fn programs() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "lua"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn snapshot_all(form: Form, suffix: &str) {
    let progs = programs();
    assert!(progs.len() >= 40, "only {} programs", progs.len());
    for (name, src) in progs {
        let p =
            compile_source(&src, &format!("@{name}.lua")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = list(&p, form);
        insta::with_settings!({ snapshot_suffix => suffix, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn tree_listings() {
    snapshot_all(Form::Tree, "tree");
}

#[test]
fn flat_listings() {
    snapshot_all(Form::Flat, "flat");
}
