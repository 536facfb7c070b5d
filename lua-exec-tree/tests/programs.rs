//! Runs the Lua programs in `tests/lua/` on the tree executor and compares
//! their output with what lua5.4 printed for them (`tests/lua/*.out`).
//!
//! Regenerate the expectations with lua5.4 (never by hand):
//!
//! ```sh
//! cd lua-exec-tree/tests/lua && for f in *.lua; do lua5.4 $f > ${f%.lua}.out 2>&1; done
//! ```

use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;

use lua_exec_tree::TreeExecutor;
use lua_runtime::{State, Value};

#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn run_program(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua");
    let src = std::fs::read(dir.join(name)).expect("program");
    let sink = Sink::default();
    let mut st = State::new(Rc::new(TreeExecutor));
    st.out = Box::new(sink.clone());
    st.push_host_frame();
    let f = st
        .load(&src, &format!("@{}", name), "t", None)
        .expect("compiles");
    if let Err(e) = st.call(f, &[]) {
        let msg = match e.value {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            v => v.type_name().to_string(),
        };
        let _ = writeln!(st.out, "uncaught: {}", msg);
    }
    st.flush();
    let out = sink.0.borrow().clone();
    String::from_utf8_lossy(&out).into_owned()
}

fn check(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua");
    let expected = std::fs::read_to_string(dir.join(name.replace(".lua", ".out"))).expect("out");
    let got = run_program(name);
    // Addresses differ between implementations.
    let norm = |s: &str| -> String {
        s.split('\n')
            .map(|l| match l.find(": 0x") {
                Some(p) => format!("{}: ADDR", &l[..p]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(norm(&got), norm(&expected), "program {}", name);
}

#[test]
fn closures() {
    check("closures.lua");
}

#[test]
fn recursion() {
    check("recursion.lua");
}

#[test]
fn errors() {
    check("errors.lua");
}

#[test]
fn meta() {
    check("meta.lua");
}

#[test]
fn gc() {
    check("gc.lua");
}

#[test]
fn goto() {
    check("goto.lua");
}

#[test]
fn varargs() {
    check("varargs.lua");
}

#[test]
fn numbers() {
    check("numbers.lua");
}

#[test]
fn json_and_classes() {
    check("json_classes.lua");
}

#[test]
fn walk_mechanics() {
    check("walk.lua");
}
