//! `luna`: the command-line interpreter (skeleton).

fn main() {
    eprintln!("luna: not built yet");
    std::process::exit(1);
}
