//! A plugin host: each plugin is a script the host does not trust, run in
//! its own sandboxed state with limits (instructions per call, memory,
//! call depth, string size) and a wall-clock timeout enforced from a
//! watchdog thread. The host exposes a small API (`host.log`,
//! `host.config`); a plugin that loops, recurses, allocates without end or
//! tries to reach the file system is stopped and reported, and the host and
//! the other plugins go on.
//!
//! Run: `cargo run -p luna --example plugin_host`

use std::sync::{Arc, Mutex};
use std::time::Duration;

use luna::{Limits, Lua};

const PLUGINS: &[(&str, &str)] = &[
    (
        "greeter",
        r#"
        local n = 0
        function on_event(name)
          n = n + 1
          host.log(("hello %s (#%d, greeting %s)"):format(name, n, host.config.greeting))
          return n
        end
        "#,
    ),
    (
        "spinner",
        "function on_event() while true do pcall(error, 'no escape') end end",
    ),
    (
        "hog",
        "function on_event() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end",
    ),
    (
        "deep",
        "local function f(n) return f(n + 1) + 1 end function on_event() return f(1) end",
    ),
    (
        "snoop",
        "function on_event() return io.open('/etc/passwd'):read('a') end",
    ),
    (
        "escape",
        "function on_event() string.format = nil; return debug.getinfo, os.execute, require end",
    ),
    (
        "slowpoke",
        // Charged work inside one native call: stopped by the watchdog's
        // terminate (the budget is large enough to let it run long).
        "function on_event() return string.find(('a'):rep(5000), '.-.-.-.-.-.-b') end",
    ),
];

/// One plugin's state and what the host keeps about it.
struct Plugin {
    name: &'static str,
    lua: Lua,
}

fn load_plugin(
    name: &'static str,
    src: &str,
    log: Arc<Mutex<Vec<String>>>,
) -> luna::Result<Plugin> {
    let lua = Lua::sandboxed(Limits {
        instructions: Some(50_000_000),
        memory: Some(32 << 20),
        call_depth: Some(200),
        string_size: Some(1 << 20),
    });
    let host = lua.create_table()?;
    let config = lua.create_table_from([("greeting", "warm")])?;
    host.set("config", config)?;
    host.set(
        "log",
        lua.create_function(move |_, msg: String| {
            log.lock().unwrap().push(format!("[{name}] {msg}"));
            Ok(())
        })?,
    )?;
    lua.globals().set("host", host)?;
    lua.load(src).set_name(format!("={name}")).exec()?;
    Ok(Plugin { name, lua })
}

/// Run `plugin`'s `on_event(event)` with a timeout.
fn dispatch(plugin: &Plugin, event: &str, timeout: Duration) -> String {
    let stop = plugin.lua.interrupter();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if done_rx.recv_timeout(timeout).is_err() {
            stop.terminate();
        }
    });
    let on_event: luna::Function = match plugin.lua.globals().get("on_event") {
        Ok(f) => f,
        Err(e) => return format!("no handler: {e}"),
    };
    let r = on_event.call::<_, luna::Value>(event);
    let _ = done_tx.send(());
    watchdog.join().unwrap();
    match r {
        Ok(v) => format!("ok: {v:?}"),
        Err(e) => match plugin.lua.aborted() {
            Some(why) => format!("stopped ({why:?}): {}", e.message()),
            None => format!("error: {}", e.message()),
        },
    }
}

fn main() -> luna::Result<()> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut plugins = Vec::new();
    for (name, src) in PLUGINS {
        plugins.push(load_plugin(name, src, log.clone())?);
    }
    for event in ["start", "tick"] {
        for p in &plugins {
            let outcome = dispatch(p, event, Duration::from_millis(300));
            println!("{:>8} {event}: {outcome}", p.name);
        }
    }
    for line in log.lock().unwrap().iter() {
        println!("{line}");
    }
    // Every plugin's state still answers after what it went through.
    for p in &plugins {
        assert_eq!(p.lua.load("1 + 1").eval::<i64>()?, 2);
    }
    Ok(())
}
