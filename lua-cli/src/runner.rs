//! Running code: scripts, `-e`, `-` (stdin), the `arg` table, executor
//! choice and uncaught-error reporting, as `lua.c` does them.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::rc::Rc;

use lua_runtime::vm::frame::FrameFlags;
use lua_runtime::{Executor, LuaError, State, Value};

use crate::PROGNAME;
use crate::args::{self, Action, Options};

/// Stack for the interpreter thread: natives and metamethods recurse on the
/// Rust stack (up to the C-call limit), give them room.
const STACK_SIZE: usize = 256 << 20;

/// Pick the executor from the options and `LUNA_EXECUTOR`.
fn choose_executor(opts: &Options) -> Result<Rc<dyn Executor>, String> {
    let choice = match opts.executor {
        Some(args::Executor::Tree) => "tree".to_string(),
        Some(args::Executor::Flat) => "flat".to_string(),
        None => match std::env::var("LUNA_EXECUTOR") {
            Ok(v) if !opts.ignore_env && !v.is_empty() => v,
            _ => "flat".to_string(),
        },
    };
    match choice.as_str() {
        "tree" => Ok(Rc::new(lua_exec_tree::TreeExecutor)),
        "flat" => Ok(Rc::new(lua_exec_flat::FlatExecutor)),
        other => Err(format!(
            "unknown executor '{}' (expected tree or flat)",
            other
        )),
    }
}

/// Run everything the options ask for; returns the exit status.
pub fn run_options(opts: Options, argv: Vec<OsString>) -> i32 {
    let h = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || run_inner(&opts, &argv));
    match h.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            let _ = writeln!(std::io::stderr(), "{PROGNAME}: internal error");
            1
        }
    }
}

fn run_inner(opts: &Options, argv: &[OsString]) -> i32 {
    let exec = match choose_executor(opts) {
        Ok(e) => e,
        Err(m) => {
            let _ = writeln!(std::io::stderr(), "{PROGNAME}: {m}");
            return 1;
        }
    };
    let mut st = State::new(exec);
    if opts.ignore_env {
        // `-E`: package.path/cpath ignore LUA_PATH*/LUA_CPATH*, as lua.c.
        lua_runtime::stdlib::package::ignore_env(&mut st);
    }
    st.push_host_frame();
    // lua.c 5.4 switches the collector to generational mode at start.
    st.set_generational(true);
    if opts.warnings {
        st.set_warnings(true);
    }
    // The `arg` table: script at index 0, interpreter and options below.
    let script_pos = if opts.script.is_some() {
        opts.script_index + 1
    } else {
        0
    };
    let argt = st.new_table();
    for (i, a) in argv.iter().enumerate() {
        let v = st.str_value(os_bytes(a));
        st.raw_set_int(argt, i as i64 - script_pos as i64, v);
    }
    st.set_global("arg", Value::Table(argt));

    if opts.version {
        let _ = writeln!(st.output(), "luna {} (Lua 5.4)", env!("CARGO_PKG_VERSION"));
    }
    let code = run_actions(&mut st, opts);
    st.flush();
    code
}

fn os_bytes(s: &OsString) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
}

fn run_actions(st: &mut State, opts: &Options) -> i32 {
    for a in &opts.actions {
        let r = match a {
            Action::Exec(code) => {
                let src = os_bytes(code);
                st.load(&src, "=(command line)", "bt", None)
                    .and_then(|f| call_chunk(st, f, &[]))
            }
            Action::Require(m) => {
                let name = String::from_utf8_lossy(&os_bytes(m)).into_owned();
                let (global, module) = match name.split_once('=') {
                    Some((g, m)) => (g.to_string(), m.to_string()),
                    None => (name.clone(), name.clone()),
                };
                let req = st.get_global("require");
                let mv = st.str_value(&module);
                st.call(req, &[mv]).map(|r| {
                    let v = r.first().copied().unwrap_or(Value::Nil);
                    st.set_global(Box::leak(global.into_boxed_str()), v);
                })
            }
        };
        if let Err(e) = r {
            report(st, e);
            return 1;
        }
    }
    let script = match &opts.script {
        Some(s) => Some(s.clone()),
        None if opts.actions.is_empty() && !opts.version && !opts.interactive => {
            if std::io::stdin().is_terminal() {
                let _ = writeln!(st.output(), "luna {} (Lua 5.4)", env!("CARGO_PKG_VERSION"));
                repl(st);
                return 0;
            }
            Some(OsString::from("-"))
        }
        None => None,
    };
    if let Some(s) = script {
        let (src, name) = if s == "-" {
            st.flush();
            let mut b = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut b);
            (b, "=stdin".to_string())
        } else {
            let n = String::from_utf8_lossy(&os_bytes(&s)).into_owned();
            match std::fs::read(&s) {
                Ok(b) => (b, format!("@{}", n)),
                Err(_) => {
                    let _ = writeln!(std::io::stderr(), "{PROGNAME}: cannot open {}", n);
                    return 1;
                }
            }
        };
        let args: Vec<Value> = opts
            .script_args
            .iter()
            .map(|a| st.str_value(os_bytes(a)))
            .collect();
        let body = lua_runtime::stdlib::base::skip_shebang(&src).to_vec();
        let r = st
            .load(&body, &name, "bt", None)
            .and_then(|f| call_chunk(st, f, &args));
        if let Err(e) = r {
            report(st, e);
            return 1;
        }
    }
    if opts.interactive {
        repl(st);
    }
    0
}

/// A source line reader: rustyline on a terminal, plain lines otherwise.
enum LineReader {
    Editor(Box<rustyline::DefaultEditor>),
    Plain,
}

impl LineReader {
    fn new() -> LineReader {
        if std::io::stdin().is_terminal()
            && let Ok(ed) = rustyline::DefaultEditor::new()
        {
            return LineReader::Editor(Box::new(ed));
        }
        LineReader::Plain
    }

    fn read(&mut self, prompt: &str) -> Option<String> {
        match self {
            LineReader::Editor(ed) => match ed.readline(prompt) {
                Ok(l) => {
                    let _ = ed.add_history_entry(l.as_str());
                    Some(l)
                }
                Err(_) => None,
            },
            LineReader::Plain => {
                let mut out = std::io::stdout();
                let _ = write!(out, "{}", prompt);
                let _ = out.flush();
                let mut l = String::new();
                match std::io::stdin().read_line(&mut l) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => Some(l.trim_end_matches(['\n', '\r']).to_string()),
                }
            }
        }
    }
}

/// lua.c's REPL: each line is tried as `return <line>` first, then as a
/// statement; an incomplete statement (error at `<eof>`) reads more lines
/// with the `>>` prompt; results are printed with `print`.
fn repl(st: &mut State) {
    let mut rd = LineReader::new();
    loop {
        st.flush();
        let Some(first) = rd.read("> ") else {
            let _ = writeln!(st.output());
            break;
        };
        let mut buf = first;
        let f = loop {
            let as_expr = format!("return {}", buf);
            if let Ok(f) = st.load(as_expr.as_bytes(), "=stdin", "t", None) {
                break Some(f);
            }
            match st.load(buf.as_bytes(), "=stdin", "t", None) {
                Ok(f) => break Some(f),
                Err(e) => {
                    let msg = match e.value {
                        Value::Str(s) => s.to_str_lossy().into_owned(),
                        _ => String::new(),
                    };
                    if msg.ends_with("<eof>") {
                        match rd.read(">> ") {
                            Some(more) => {
                                buf.push('\n');
                                buf.push_str(&more);
                                continue;
                            }
                            None => break None,
                        }
                    }
                    report(st, e);
                    break None;
                }
            }
        };
        let Some(f) = f else { continue };
        let func = st.th.stack.len();
        st.push(f);
        match st.call_at_flags(func, -1, FrameFlags::TRACEBACK) {
            Ok(()) => {
                let results: Vec<Value> = st.th.stack.drain(func..).collect();
                if !results.is_empty() {
                    let p = st.get_global("print");
                    if let Err(e) = st.call(p, &results) {
                        report(st, e);
                    }
                }
            }
            Err(e) => report(st, e),
        }
    }
}

/// Call a loaded chunk asking for a traceback on error.
fn call_chunk(st: &mut State, f: Value, args: &[Value]) -> Result<(), LuaError> {
    let func = st.th.stack.len();
    st.push(f);
    for &a in args {
        st.push(a);
    }
    st.call_at_flags(func, 0, FrameFlags::TRACEBACK)?;
    st.th.stack.truncate(func);
    Ok(())
}

/// Print an uncaught error as lua.c's `msghandler` + `l_message` do.
fn report(st: &mut State, e: LuaError) {
    st.flush();
    let msg = match e.value {
        Value::Str(s) => s.to_str_lossy().into_owned(),
        v => {
            let h = st.get_tm(v, lua_runtime::vm::meta::Tm::ToString);
            if !h.is_nil() {
                // lua.c: an object with `__tostring` is the whole message,
                // without a traceback.
                let m = match st.tostring(v) {
                    Ok(s) => s.to_str_lossy().into_owned(),
                    Err(_) => format!("(error object is a {} value)", v.type_name()),
                };
                let _ = writeln!(std::io::stderr(), "{PROGNAME}: {}", m);
                return;
            } else if let Value::Int(_) | Value::Float(_) = v {
                let mut b = Vec::new();
                lua_runtime::vm::ops::append_plain(&mut b, v);
                String::from_utf8_lossy(&b).into_owned()
            } else {
                format!("(error object is a {} value)", v.type_name())
            }
        }
    };
    let mut out = format!("{PROGNAME}: {}", msg);
    if let Some(tb) = e.traceback {
        out.push('\n');
        out.push_str(&tb);
    }
    let _ = writeln!(std::io::stderr(), "{}", out);
}
