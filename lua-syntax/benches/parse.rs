//! Parser throughput on a large generated source (see
//! `examples/gen_corpus.rs`; `bench/parse_vs_luac.sh` compares the same
//! file with `luac5.4 -p`). Run: `cargo bench -p lua-syntax`.

use divan::{Bencher, counter::BytesCount};
use std::sync::LazyLock;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

/// 20 MiB of varied Lua.
static BIG: LazyLock<String> = LazyLock::new(|| gen_corpus::generate(20 << 20));
/// 1 MiB, for the steady-state case with a reused arena.
static SMALL: LazyLock<String> = LazyLock::new(|| gen_corpus::generate(1 << 20));

fn main() {
    divan::main();
}

/// A fresh arena per parse: includes the cost of obtaining (and zeroing)
/// the memory the tree lives in, as `luna --check` pays it.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_20mb_fresh_arena(b: Bencher) {
    let src = BIG.as_bytes();
    b.counter(BytesCount::new(src.len())).bench(|| {
        let arena = bumpalo::Bump::new();
        let chunk = lua_syntax::parse(&arena, src, "@big.lua").expect("generated code parses");
        divan::black_box(chunk.block.stats.len());
    });
}

/// A reused arena: parser and lexer work alone.
#[divan::bench(sample_count = 20)]
fn parse_1mb_reused_arena(b: Bencher) {
    let src = SMALL.as_bytes();
    let mut arena = bumpalo::Bump::new();
    b.counter(BytesCount::new(src.len())).bench_local(|| {
        arena.reset();
        let chunk = lua_syntax::parse(&arena, src, "@small.lua").expect("generated code parses");
        divan::black_box(chunk.block.stats.len());
    });
}
