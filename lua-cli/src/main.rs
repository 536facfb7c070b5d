//! `luna`: the command-line interpreter. All the work is in the library
//! ([`lua_cli::run`]) so that tests can run the CLI in-process.

#[cfg(feature = "mimalloc")]
mod alloc;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: alloc::SplitAlloc = alloc::SplitAlloc;

// Index in `mi_option_e` of mimalloc v3's mimalloc.h (the version
// libmimalloc-sys 0.1.49 builds by default); the sys crate does not name
// it.
#[cfg(feature = "mimalloc")]
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

fn main() {
    // Commit arena memory as it is used rather than up front: a small
    // script's peak RSS stays near lua5.4's.
    // SAFETY: a plain option setter, called before any Lua runs.
    #[cfg(feature = "mimalloc")]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0)
    };
    let code = lua_cli::run(std::env::args_os().collect());
    std::process::exit(code);
}
