//! The `alphaguard-drive-sync` binary against the loopback Google.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use alphaguard_test_support::{FakeGoogle, FileContent};
use bytes::Bytes;

#[tokio::test(flavor = "multi_thread")]
async fn syncs_and_prints_a_summary() {
    let google = FakeGoogle::start().await;
    google.add_file(
        "1Folder",
        "a.pdf",
        "application/pdf",
        FileContent::Bytes(Bytes::from_static(b"%PDF a")),
    );
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_alphaguard-drive-sync"));
        cmd.env_clear()
            .env("GOOGLE_CREDENTIALS_JSON", google.service_account_json())
            .args([
                "--folder",
                "1Folder",
                "--quiet",
                "--api-root",
                &google.url(),
                "--dest",
            ])
            .arg(dir.path());
        cmd.output()
    };
    let out = run().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("downloaded 1, unchanged 0, removed 0, failed 0"),
        "{stdout}"
    );
    let out = run().await.unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("downloaded 0, unchanged 1, removed 0, failed 0"),
        "{stdout}"
    );

    // No credentials: a configuration error, exit 2.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_alphaguard-drive-sync"))
        .env_clear()
        .args(["--folder", "x", "--dest"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GOOGLE_PROJECT_ID"));

    // A plain-http API root to a real host: refused before any request.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_alphaguard-drive-sync"))
        .env_clear()
        .env("GOOGLE_CREDENTIALS_JSON", google.service_account_json())
        .args(["--folder", "1Folder", "--quiet", "--dest"])
        .arg(dir.path())
        .env("DRIVE_API_ROOT_URL", "http://www.googleapis.com/")
        .env("DRIVE_MAX_FILE_BYTES", "0")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DRIVE_API_ROOT_URL"), "{stderr}");
    assert!(stderr.contains("DRIVE_MAX_FILE_BYTES"), "{stderr}");
    assert!(!stderr.contains("www.googleapis.com"), "{stderr}");
}
