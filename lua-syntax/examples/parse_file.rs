//! Parses files and reports syntax errors (parse only, no compilation):
//! `cargo run --release -p lua-syntax --example parse_file -- FILE...`.
//! Used by `bench/parse_vs_luac.sh` to time the parser alone. A `--check`
//! argument is ignored, so it can stand in for `luna --check`.

fn main() {
    let mut status = 0;
    for path in std::env::args().skip(1).filter(|a| a != "--check") {
        let src = match std::fs::read(&path) {
            Ok(s) => s,
            Err(_) => {
                eprintln!("parse_file: cannot open {path}");
                status = 1;
                continue;
            }
        };
        let arena = bumpalo::Bump::new();
        if let Err(e) = lua_syntax::parse(&arena, &src, &format!("@{path}")) {
            eprintln!("parse_file: {e}");
            status = 1;
        }
    }
    std::process::exit(status);
}
