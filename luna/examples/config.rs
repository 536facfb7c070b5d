//! A configuration file written in Lua, read into a Rust struct with serde.
//!
//! Lua as a config language gives comments, computed values, and a little
//! logic (defaults by environment), and serde turns the result into typed
//! Rust data with precise errors.
//!
//! Run: `cargo run -p luna --example config`

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Config {
    name: String,
    listen: Listen,
    workers: u16,
    #[serde(default)]
    debug: bool,
    routes: Vec<Route>,
}

#[derive(Debug, Deserialize)]
struct Listen {
    host: String,
    port: u16,
}

#[derive(Debug, Deserialize)]
struct Route {
    path: String,
    target: String,
    #[serde(default)]
    methods: Vec<Method>,
}

#[derive(Debug, Deserialize)]
enum Method {
    Get,
    Post,
}

const CONFIG: &str = r#"
-- Anything Lua can compute is allowed here.
local env = env or "dev"

name = "gateway-" .. env
listen = { host = "0.0.0.0", port = env == "prod" and 443 or 8080 }
workers = math.max(2, cores // 2)
debug = env ~= "prod"

routes = {}
for _, svc in ipairs({ "users", "orders" }) do
  routes[#routes + 1] = {
    path = "/" .. svc,
    target = "http://" .. svc .. ".internal",
    methods = { "Get", "Post" },
  }
end
routes[#routes + 1] = { path = "/health", target = "local" }
"#;

fn load(env: &str, cores: usize) -> luna::Result<Config> {
    let lua = luna::Lua::new();
    // Inputs the script may use.
    lua.globals().set("env", env)?;
    lua.globals().set("cores", cores)?;
    // The config's globals go into their own table, not the real globals.
    let cfg = lua.create_table()?;
    let meta = lua.create_table()?;
    meta.set("__index", lua.globals())?;
    cfg.set_metatable(Some(meta));
    lua.load(CONFIG)
        .set_name("@gateway.lua")
        .set_environment(cfg.clone())
        .exec()?;
    lua.from_value(luna::Value::Table(cfg))
}

fn main() -> luna::Result<()> {
    let cores = std::thread::available_parallelism().map_or(4, |n| n.get());
    for env in ["dev", "prod"] {
        let c = load(env, cores)?;
        println!(
            "{}: {}:{} workers={} debug={}",
            c.name, c.listen.host, c.listen.port, c.workers, c.debug
        );
        for r in &c.routes {
            println!("  {} -> {} {:?}", r.path, r.target, r.methods);
        }
    }

    // Mistakes come back with the file and line (a runtime error) or as a
    // typed-conversion error.
    let lua = luna::Lua::new();
    let err = lua
        .load("workers = cores * 2")
        .set_name("@broken.lua")
        .exec()
        .unwrap_err();
    println!("error: {}", err.message());
    assert_eq!(err.position(), Some(("broken.lua".to_string(), 1)));
    let bad: luna::Result<Listen> =
        lua.from_value(lua.load("{ host = 'x', port = 70000 }").eval()?);
    println!("error: {}", bad.unwrap_err());
    Ok(())
}
