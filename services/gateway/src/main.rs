//! `alphaguard`: run with `cargo run --release -p alphaguard` (no
//! environment needed: development mode on 127.0.0.1:8080), or
//! `alphaguard --help` for every option.

fn main() -> std::process::ExitCode {
    alphaguard_gateway::cli::run()
}
