//! `luna`: the command-line interpreter. All the work is in the library
//! ([`lua_cli::run`]) so that tests can run the CLI in-process.

fn main() {
    let code = lua_cli::run(std::env::args_os().collect());
    std::process::exit(code);
}
