//! Debug hooks raise the same events on both executors: every program of
//! lua-bytecode's listing set and of several corpus areas runs under a
//! hook for call, return, line and count (every instruction) events, and
//! the event logs (event, line, function, current line) of the tree and
//! flat executors must be identical. lua5.4's own sequences are checked by
//! the corpus (`debug/hooks.lua`) and the official suite's `db.lua`; this
//! checks that the tree executor's hooked walk traces exactly the
//! instructions the flat one runs.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use lua_runtime::{Executor, State, Value};

const PRELUDE: &str = r#"
local ev, n = {}, 0
local getinfo, concat = debug.getinfo, table.concat
debug.sethook(function(e, l)
  n = n + 1
  if n > 20000 then return end
  local i = getinfo(2, "Sl")
  ev[n] = e .. " " .. tostring(l) .. " " .. i.short_src .. ":" .. i.currentline
end, "crl", 1)
local ok = pcall(load(SRC, NAME))
debug.sethook()
return concat(ev, "\n")
"#;

fn trace(ex: Rc<dyn Executor>, path: &Path) -> String {
    let src = std::fs::read(path).unwrap();
    let mut st = State::new(ex);
    st.set_output(Box::new(std::io::sink()));
    let s = st.str_value(&src);
    st.set_global("SRC", s);
    let name = format!("@{}", path.file_name().unwrap().to_string_lossy());
    let n = st.str_value(name);
    st.set_global("NAME", n);
    let f = st.load(PRELUDE.as_bytes(), "=prelude", "t", None).unwrap();
    match st.call(f, &[]) {
        Ok(r) => match r.first() {
            Some(Value::Str(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            _ => String::new(),
        },
        Err(e) => format!("error: {e}"),
    }
}

fn programs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut dirs = vec![root.join("lua-bytecode/tests/programs")];
    for area in [
        "goto",
        "forloop",
        "closure",
        "debug",
        "pcall",
        "meta",
        "coroutine",
    ] {
        dirs.push(root.join("tests/corpus").join(area));
    }
    let mut files = Vec::new();
    for d in dirs {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "lua") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn tree_and_flat_raise_the_same_hook_events() {
    // The programs recurse through Rust as deep as luna allows (200 C
    // levels), which a debug build's frames do not fit in a test thread's
    // 2 MiB: run where `luna`'s main thread would, with room to spare.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(compare_all)
        .unwrap()
        .join()
        .unwrap();
}

fn compare_all() {
    let mut differ = Vec::new();
    let files = programs();
    assert!(files.len() > 100, "programs not found");
    for p in &files {
        let flat = trace(Rc::new(lua_exec_flat::FlatExecutor), p);
        let tree = trace(Rc::new(lua_exec_tree::TreeExecutor), p);
        if flat != tree {
            let (fl, tl): (Vec<_>, Vec<_>) = (flat.lines().collect(), tree.lines().collect());
            let at = fl
                .iter()
                .zip(&tl)
                .position(|(a, b)| a != b)
                .unwrap_or(fl.len().min(tl.len()));
            differ.push(format!(
                "{}: event {at}: flat {:?}, tree {:?}",
                p.display(),
                fl.get(at),
                tl.get(at)
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "hook events differ:\n{}",
        differ.join("\n")
    );
}
