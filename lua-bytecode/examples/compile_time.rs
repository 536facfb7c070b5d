//! Time parsing and parse+compile of a file (best of 5):
//! `cargo run --release -p lua-bytecode --example compile_time -- FILE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: compile_time FILE");
        std::process::exit(2);
    };
    let src = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let name = format!("@{path}");
    // `compile_time FILE parse|compile`: one run of one phase (for `perf
    // stat`, whose instruction counts do not depend on machine load).
    match std::env::args().nth(2).as_deref() {
        Some("parse") => {
            let arena = bumpalo::Bump::new();
            let chunk = lua_syntax::parse(&arena, &src, &name).expect("parse");
            std::hint::black_box(&chunk);
            return;
        }
        Some("compile") => {
            let p = lua_bytecode::compile_source(&src, &name).expect("compile");
            std::hint::black_box(&p);
            return;
        }
        _ => {}
    }
    let mut parse = f64::MAX;
    let mut total = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        {
            let arena = bumpalo::Bump::new();
            let chunk = lua_syntax::parse(&arena, &src, &name).expect("parse");
            std::hint::black_box(&chunk);
        }
        parse = parse.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let p = lua_bytecode::compile_source(&src, &name).expect("compile");
        std::hint::black_box(&p);
        drop(p);
        total = total.min(t.elapsed().as_secs_f64());
    }
    let mb = src.len() as f64 / 1e6;
    println!(
        "{mb:.1} MB: parse {parse:.3} s ({:.1} MB/s), parse+compile {total:.3} s ({:.1} MB/s)",
        mb / parse,
        mb / total
    );
}
