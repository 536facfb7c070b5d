//! `luna`: the command-line interpreter. All the work is in the library
//! ([`lua_cli::run`]; [`lua_cli::run_as_main`] from here, the main thread)
//! so that tests can run the CLI in-process.

#[cfg(feature = "mimalloc")]
mod alloc;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: alloc::SplitAlloc = alloc::SplitAlloc;

fn main() {
    let code = lua_cli::run_as_main(std::env::args_os().collect());
    std::process::exit(code);
}
