//! Running code as `lua.c`'s `pmain` does: `LUA_INIT`, then `-e`/`-l`/`-W`
//! in order, then the script (or stdin), then the REPL; the `arg` table;
//! executor choice; uncaught-error reporting (`msghandler` + `report`).

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Read, Write};
use std::rc::Rc;

use lua_runtime::vm::frame::FrameFlags;
use lua_runtime::vm::meta::Tm;
use lua_runtime::{Executor, LuaError, State, Value};

use crate::args::{self, Action, Options};
use crate::{interrupt, repl};

/// Stack for the interpreter thread: natives and metamethods recurse on the
/// Rust stack (up to the C-call limit), give them room.
const STACK_SIZE: usize = 256 << 20;

/// The main thread's stack limit under which the interpreter gets its own
/// thread. At the C-call limit (`MAX_C_CALLS` levels of natives and
/// metamethods calling Lua) an optimised build uses about 2 MiB of Rust
/// stack; the parser and the compiler grow their stack on demand
/// (`stacker`). 8 MiB is the usual default limit, four times that.
const MAIN_STACK_NEED: u64 = 8 << 20;

/// Whether the interpreter can run on the process's main thread: an
/// optimised build (unoptimised frames are many times larger) whose stack
/// limit is at least [`MAIN_STACK_NEED`].
fn main_stack_suffices() -> bool {
    if cfg!(debug_assertions) {
        return false;
    }
    #[cfg(unix)]
    {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `getrlimit` only writes the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut rl) } != 0 {
            return false;
        }
        rl.rlim_cur == libc::RLIM_INFINITY || rl.rlim_cur >= MAIN_STACK_NEED
    }
    #[cfg(not(unix))]
    false
}

/// What `-v` prints (lua.c prints `LUA_COPYRIGHT`).
pub fn version_line() -> String {
    format!("luna {} (Lua 5.4)", env!("CARGO_PKG_VERSION"))
}

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
        "tree" => Ok(luna::Executor::Tree.make()),
        "flat" => Ok(luna::Executor::Flat.make()),
        other => Err(format!(
            "unknown executor '{}' (expected tree or flat)",
            other
        )),
    }
}

/// Run everything the options ask for; returns the exit status.
/// `main_thread`: the caller is the process's main thread, whose stack
/// the interpreter may use if it is big enough.
pub fn run_options(opts: Options, argv: Vec<OsString>, progname: String, main_thread: bool) -> i32 {
    // A panic is reported as the thread's would be (the hook has printed
    // it): as an internal error.
    let h = if main_thread && main_stack_suffices() {
        Ok(std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || run_inner(&opts, &argv, &progname),
        )))
    } else {
        std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(move || run_inner(&opts, &argv, &progname))
            .map(|h| h.join())
    };
    match h {
        Ok(Ok(code)) => code,
        _ => {
            let _ = writeln!(std::io::stderr(), "{}: internal error", crate::PROGNAME);
            1
        }
    }
}

fn run_inner(opts: &Options, argv: &[OsString], progname: &str) -> i32 {
    let exec = match choose_executor(opts) {
        Ok(e) => e,
        Err(m) => {
            let _ = writeln!(std::io::stderr(), "{progname}: {m}");
            return 1;
        }
    };
    let mut st = State::new(exec);
    if opts.sandbox {
        lua_runtime::sandbox::restrict(&mut st);
    }
    st.set_limits(opts.limits);
    if opts.version {
        let _ = writeln!(st.output(), "{}", version_line());
    }
    if opts.ignore_env {
        // `-E`: package.path/cpath ignore LUA_PATH*/LUA_CPATH*, as lua.c.
        lua_runtime::stdlib::package::ignore_env(&mut st);
    }
    st.push_host_frame();
    // lua.c 5.4 switches the collector to generational mode at start.
    st.set_generational(true);
    create_arg_table(&mut st, argv, opts);
    let mut cli = Cli {
        st: &mut st,
        progname,
    };
    let code = i32::from(!cli.pmain(opts));
    // lua.c ends with `lua_close`: pending finalizers run.
    st.close_state();
    code
}

/// lua.c's `createargtable`: the script at index 0, the interpreter and
/// the options before it at negative indices, its arguments after it
/// (with no script, the program name is at 0).
fn create_arg_table(st: &mut State, argv: &[OsString], opts: &Options) {
    let script_pos = opts.script.as_ref().map_or(0, |s| s.index + 1);
    let argt = st.new_table();
    for (i, a) in argv.iter().enumerate() {
        let v = st.str_value(os_bytes(a));
        st.raw_set_int(argt, i as i64 - script_pos as i64, v);
    }
    st.set_global("arg", Value::Table(argt));
}

/// The raw bytes of an argument.
pub fn os_bytes(s: &OsStr) -> Vec<u8> {
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

/// The state and the name that prefixes error messages.
pub struct Cli<'a> {
    pub st: &'a mut State,
    pub progname: &'a str,
}

impl Cli<'_> {
    /// lua.c's `pmain` after the state is set up; false if something
    /// failed (and was reported).
    fn pmain(&mut self, opts: &Options) -> bool {
        if !opts.ignore_env && !self.handle_luainit() {
            return false;
        }
        if !self.run_actions(opts) {
            return false;
        }
        if let Some(script) = &opts.script
            && !self.handle_script(script)
        {
            return false;
        }
        if opts.interactive {
            repl::run(self.st);
        } else if opts.script.is_none() && !opts.has_exec && !opts.version {
            if std::io::stdin().is_terminal() {
                let _ = writeln!(self.st.output(), "{}", version_line());
                repl::run(self.st);
            } else {
                // lua.c's `dofile(L, NULL)`: stdin as a file, no arguments;
                // lua.c reports an error but ignores it for the exit
                // status (0), unlike a script named `-`.
                let r = load_file(self.st, None).and_then(|f| docall(self.st, f, &[], 0));
                self.report(r.map(drop));
            }
        }
        true
    }

    /// lua.c's `handle_luainit`: `LUA_INIT_5_4`, else `LUA_INIT`; `@file`
    /// runs a file, anything else is a chunk named after the variable.
    fn handle_luainit(&mut self) -> bool {
        let (name, init) = match std::env::var_os("LUA_INIT_5_4") {
            Some(v) => ("=LUA_INIT_5_4", v),
            None => match std::env::var_os("LUA_INIT") {
                Some(v) => ("=LUA_INIT", v),
                None => return true,
            },
        };
        let init = os_bytes(&init);
        let r = match init.strip_prefix(b"@") {
            Some(file) => load_file(self.st, Some(&bytes_os(file))),
            None => self.st.load(&init, name, "bt", None),
        };
        let r = r.and_then(|f| docall(self.st, f, &[], 0));
        self.report(r.map(drop))
    }

    /// lua.c's `runargs`: `-e`, `-l` and `-W` in command-line order.
    fn run_actions(&mut self, opts: &Options) -> bool {
        for a in &opts.actions {
            let r = match a {
                Action::Exec(code) => {
                    let src = os_bytes(code);
                    self.st
                        .load(&src, "=(command line)", "bt", None)
                        .and_then(|f| docall(self.st, f, &[], 0))
                        .map(drop)
                }
                Action::Require(m) => self.dolibrary(&os_bytes(m)),
                Action::Warnings => {
                    self.st.set_warnings(true);
                    Ok(())
                }
            };
            if !self.report(r) {
                return false;
            }
        }
        true
    }

    /// lua.c's `dolibrary`: `-l g=mod` runs `g = require("mod")`; `-l mod`
    /// is `-l mod=mod`.
    fn dolibrary(&mut self, spec: &[u8]) -> Result<(), LuaError> {
        let (global, module) = match spec.iter().position(|&b| b == b'=') {
            Some(p) => (&spec[..p], &spec[p + 1..]),
            None => (spec, spec),
        };
        let req = self.st.get_global("require");
        let m = self.st.str_value(module);
        let r = docall(self.st, req, &[m], 1)?;
        let v = r.first().copied().unwrap_or(Value::Nil);
        self.st.set_global(&String::from_utf8_lossy(global), v);
        Ok(())
    }

    /// lua.c's `handle_script`: load the script (stdin for `-`), call it
    /// with the positive entries of the global `arg` as arguments.
    fn handle_script(&mut self, script: &args::Script) -> bool {
        let name = (!script.stdin).then_some(script.name.as_os_str());
        let r = load_file(self.st, name).and_then(|f| {
            let args = script_args(self.st)?;
            docall(self.st, f, &args, 0)
        });
        self.report(r.map(drop))
    }

    /// lua.c's `report`: print an error (already turned into its message
    /// by [`message`]) prefixed by the program name; true if no error.
    fn report(&mut self, r: Result<(), LuaError>) -> bool {
        match r {
            Ok(()) => true,
            Err(e) => {
                let msg = message(self.st, e);
                let _ = writeln!(std::io::stderr(), "{}: {}", self.progname, msg);
                false
            }
        }
    }
}

/// lua.c's `pushargs`: `arg[1]`, ..., `arg[#arg]` (raw reads).
fn script_args(st: &mut State) -> Result<Vec<Value>, LuaError> {
    let Value::Table(t) = st.get_global("arg") else {
        return Err(st.plain_error("'arg' is not a table"));
    };
    let n = t.len();
    Ok((1..=n).map(|i| t.get_int(i)).collect())
}

/// Bytes back into an `OsString` (for a file name taken from `LUA_INIT`).
fn bytes_os(b: &[u8]) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(b.to_vec())
    }
    #[cfg(not(unix))]
    {
        OsString::from(String::from_utf8_lossy(b).into_owned())
    }
}

/// `luaL_loadfile`: the file `name` (stdin for `None`) as a chunk named
/// `@name` (`=stdin`), a first `#` line skipped; errors worded as lauxlib's
/// `errfile` (`cannot open x: No such file or directory`).
pub fn load_file(st: &mut State, name: Option<&OsStr>) -> Result<Value, LuaError> {
    let (src, chunkname) = match name {
        None => {
            st.flush();
            let mut b = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut b) {
                let msg = format!("cannot read stdin: {}", os_error_text(&e));
                return Err(st.plain_error(msg));
            }
            (b, "=stdin".to_string())
        }
        Some(n) => {
            let shown = n.to_string_lossy();
            let mut f = match std::fs::File::open(n) {
                Ok(f) => f,
                Err(e) => {
                    let msg = format!("cannot open {shown}: {}", os_error_text(&e));
                    return Err(st.plain_error(msg));
                }
            };
            let mut b = Vec::new();
            if let Err(e) = f.read_to_end(&mut b) {
                let msg = format!("cannot read {shown}: {}", os_error_text(&e));
                return Err(st.plain_error(msg));
            }
            (b, format!("@{shown}"))
        }
    };
    let body = lua_runtime::stdlib::base::skip_shebang(&src);
    st.load(body, &chunkname, "bt", None)
}

fn os_error_text(e: &std::io::Error) -> String {
    lua_runtime::stdlib::base::os_error_text(e)
}

/// lua.c's `docall`: call `f` with `args` under the message handler (a
/// traceback is captured) and with Ctrl-C turned into an "interrupted!"
/// error; `nresults` as `lua_pcall`'s (-1 for all). Returns the results.
pub fn docall(
    st: &mut State,
    f: Value,
    args: &[Value],
    nresults: i32,
) -> Result<Vec<Value>, LuaError> {
    let func = st.th.stack.len();
    st.push(f);
    for &a in args {
        st.push(a);
    }
    let r = {
        let _guard = interrupt::Armed::new(st);
        st.call_at_flags(func, nresults, FrameFlags::TRACEBACK)
    };
    match r {
        Ok(()) => Ok(st.th.stack.drain(func..).collect()),
        Err(e) => {
            st.th.stack.truncate(func);
            Err(e)
        }
    }
}

/// The text lua.c prints for an uncaught error: its `msghandler`'s result.
/// A string (or number) with the traceback; an object whose `__tostring`
/// gives a string is that string alone; anything else is `(error object
/// is a T value)` with the traceback.
pub fn message(st: &mut State, e: LuaError) -> String {
    st.flush();
    let text = match e.value {
        Value::Str(s) => s.to_str_lossy().into_owned(),
        v @ (Value::Int(_) | Value::Float(_)) => {
            let mut b = Vec::new();
            lua_runtime::vm::ops::append_plain(&mut b, v);
            String::from_utf8_lossy(&b).into_owned()
        }
        v => {
            let h = st.get_tm(v, Tm::ToString);
            if !h.is_nil() {
                // Keep the error object reachable while the metamethod
                // runs (it may collect).
                let base = st.th.stack.len();
                st.push(v);
                let r = st.call(h, &[v]);
                st.th.stack.truncate(base);
                if let Ok(r) = r
                    && let Some(Value::Str(s)) = r.first()
                {
                    return s.to_str_lossy().into_owned();
                }
            }
            format!("(error object is a {} value)", v.type_name())
        }
    };
    match &e.traceback {
        Some(tb) => format!("{text}\n{tb}"),
        None => text,
    }
}
