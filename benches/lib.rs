//! Criterion benches comparing alphaguard's crates with their peers; the code
//! is under `benches/`. Run with `cargo bench -p alphaguard-benches`.
