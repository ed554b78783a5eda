//! Run with `cargo run --release -p example-drive-sync-rss -- [MiB=200]`.
//!
//! Serves one PDF of the given size from the loopback Google (generated
//! in 64 KiB chunks, so the server side holds none of it), mirrors it with
//! alphaguard-drive-sync into a temporary directory, and prints how much
//! the process's peak resident set (`VmHWM`) grew over the sync. Linux
//! only (`/proc/self/status`).

use std::process::ExitCode;
use std::time::Instant;

use alphaguard_drive_sync::{DriveClient, NoProgress, Pacer, SyncOptions, sync};
use alphaguard_test_support::{FakeGoogle, FileContent};

/// A `/proc/self/status` field in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() -> ExitCode {
    let mib: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let google = FakeGoogle::start().await;
    google.add_file(
        "1Folder",
        "large.pdf",
        "application/pdf",
        FileContent::Pattern {
            len: mib * 1024 * 1024,
            seed: 7,
        },
    );
    let key = match serde_json::from_str(&google.service_account_json()) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("key: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = match DriveClient::new(key, Pacer::default()).await {
        Ok(c) => c.with_root_url(&google.url()),
        Err(e) => {
            eprintln!("client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(dir) = tempfile::tempdir() else {
        eprintln!("no temporary directory");
        return ExitCode::FAILURE;
    };
    let before = status_kib("VmHWM:").unwrap_or(0);
    let started = Instant::now();
    let report = match sync(
        &client,
        &SyncOptions::new("1Folder", dir.path()),
        &NoProgress,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sync: {e}");
            return ExitCode::FAILURE;
        }
    };
    let after = status_kib("VmHWM:").unwrap_or(0);
    println!(
        "synced {} file(s), {} MiB in {:.2} s; peak RSS {} MiB -> {} MiB (grew {:.1} MiB)",
        report.downloaded,
        report.bytes / (1024 * 1024),
        started.elapsed().as_secs_f64(),
        before / 1024,
        after / 1024,
        (after.saturating_sub(before)) as f64 / 1024.0
    );
    if report.downloaded == 1 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
