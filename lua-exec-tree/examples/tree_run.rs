//! Run a Lua file on the tree executor alone (without the CLI), printing
//! an uncaught error as `luna` does: `cargo run -p lua-exec-tree --example
//! tree_run -- file.lua`.

use std::rc::Rc;

use lua_runtime::vm::frame::FrameFlags;
use lua_runtime::{State, Value};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: tree_run FILE");
        std::process::exit(2);
    };
    let code = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(&path))
        .map(|h| h.join().unwrap_or(1))
        .unwrap_or(1);
    std::process::exit(code);
}

fn run(path: &str) -> i32 {
    let mut st = State::new(Rc::new(lua_exec_tree::TreeExecutor));
    st.push_host_frame();
    st.set_generational(true);
    let src = match std::fs::read(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("luna: cannot open {}: {}", path, e);
            return 1;
        }
    };
    let body = lua_runtime::stdlib::base::skip_shebang(&src).to_vec();
    let r = st
        .load(&body, &format!("@{}", path), "bt", None)
        .and_then(|f| {
            let func = st.th.stack.len();
            st.push(f);
            st.call_at_flags(func, 0, FrameFlags::TRACEBACK)
        });
    st.flush();
    match r {
        Ok(()) => 0,
        Err(e) => {
            let msg = match e.value {
                Value::Str(s) => s.to_str_lossy().into_owned(),
                v => format!("(error object is a {} value)", v.type_name()),
            };
            match &e.traceback {
                Some(tb) => eprintln!("luna: {}\n{}", msg, tb),
                None => eprintln!("luna: {}", msg),
            }
            1
        }
    }
}
