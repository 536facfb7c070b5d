//! Print the listing of a Lua file: `cargo run -p lua-bytecode --example list -- FILE [tree|flat]`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: list FILE [tree|flat]");
        std::process::exit(2);
    };
    let form = match args.get(2).map(String::as_str) {
        Some("flat") => lua_bytecode::Form::Flat,
        _ => lua_bytecode::Form::Tree,
    };
    let src = match std::fs::read(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match lua_bytecode::compile_source(&src, &format!("@{path}")) {
        Ok(p) => print!("{}", lua_bytecode::list(&p, form)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
