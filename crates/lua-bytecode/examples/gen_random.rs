//! Print the random test program for each seed given (the generator of
//! `tests/common`): `cargo run -p lua-bytecode --example gen_random -- 1 2 3`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    for arg in std::env::args().skip(1) {
        if let Ok(seed) = arg.parse::<u64>() {
            println!("-- seed {seed}\n{}", common::program(seed));
        }
    }
}
