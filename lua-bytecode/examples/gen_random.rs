//! Print the random test program for each seed given (the generator of
//! `tests/common`): `cargo run -p lua-bytecode --example gen_random -- [--pcall] 1 2 3`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let mut pcall = false;
    for arg in std::env::args().skip(1) {
        if arg == "--pcall" {
            pcall = true;
        } else if let Ok(seed) = arg.parse::<u64>() {
            let p = if pcall {
                common::program_pcall(seed)
            } else {
                common::program(seed)
            };
            println!("-- seed {seed}\n{p}");
        }
    }
}
