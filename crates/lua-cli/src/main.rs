//! `luna`: the command-line interpreter. All the work is in the library
//! ([`lua_cli::run`]) so that tests can run the CLI in-process.

/// Lua programs allocate many small objects (tables, closures, strings)
/// and free them in bulk at each sweep; mimalloc's per-size free lists
/// serve that pattern markedly faster than glibc's malloc (measured in
/// docs/PERFORMANCE.md). Embedders choose their own allocator: the
/// library crates do not set one.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Indices in `mi_option_e` of mimalloc.h (the same in v2 and in v3, which
// libmimalloc-sys 0.1.49 builds by default); the sys crate does not name
// these two.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Give freed memory back at once and commit arena memory on demand:
    // with mimalloc's defaults (delayed purge, eager commit) a program's
    // peak RSS was up to 1.6x lua5.4's (table_build); with these it is at
    // lua5.4's level, for about the same speed.
    // SAFETY: plain option setters, called before any Lua runs.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
    let code = lua_cli::run(std::env::args_os().collect());
    std::process::exit(code);
}
