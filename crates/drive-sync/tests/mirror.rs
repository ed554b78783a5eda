//! The mirror against a loopback Google that speaks Drive v3's wire
//! format: scopes, listing, the changes feed, hostile names, md5
//! mismatches, rate limits, quotas and hangs.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use alphaguard_drive_sync::{
    DRIVE_READONLY_SCOPE, DriveClient, DriveConfig, MANIFEST_NAME, NoProgress, Pacer, SyncError,
    SyncOptions, sync,
};
use alphaguard_test_support::{FakeGoogle, FileContent, GoogleFault};
use bytes::Bytes;

const FOLDER: &str = "1FolderOfPdfs";
const PDF: &str = "application/pdf";

fn pacer() -> Pacer {
    Pacer {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(40),
        retries: 4,
        call_timeout: Duration::from_secs(2),
    }
}

async fn client(google: &FakeGoogle, pacer: Pacer) -> DriveClient {
    let key = serde_json::from_str(&google.service_account_json()).unwrap();
    DriveClient::new(key, pacer)
        .await
        .unwrap()
        .with_root_url(&google.url())
}

fn bytes(text: &str) -> FileContent {
    FileContent::Bytes(Bytes::from(text.to_owned()))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != MANIFEST_NAME)
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn mirrors_the_folders_pdfs_asking_only_for_drive_readonly() {
    let google = FakeGoogle::start().await;
    google.add_file(FOLDER, "a.pdf", PDF, bytes("%PDF-1.7 a"));
    google.add_file(FOLDER, "b.pdf", PDF, bytes("%PDF-1.7 b"));
    google.add_file(FOLDER, "notes.txt", "text/plain", bytes("not a pdf"));
    google.add_file("1OtherFolder", "elsewhere.pdf", PDF, bytes("%PDF other"));
    let trashed = google.add_file(FOLDER, "trashed.pdf", PDF, bytes("%PDF trash"));
    google.trash_file(&trashed);

    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let report = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.downloaded, 2, "{report:?}");
    assert_eq!(report.failed, []);
    assert_eq!(files_in(dir.path()), ["a.pdf", "b.pdf"]);
    assert_eq!(
        std::fs::read(dir.path().join("a.pdf")).unwrap(),
        b"%PDF-1.7 a"
    );

    let scopes = google.token_scopes();
    assert!(!scopes.is_empty());
    assert!(
        scopes.iter().all(|s| s == DRIVE_READONLY_SCOPE),
        "{scopes:?}"
    );
    // What the client reports (for `alphaguard doctor`) is what it asked for.
    assert_eq!(DriveClient::scopes(), [DRIVE_READONLY_SCOPE]);
    assert!(scopes.iter().all(|s| DriveClient::scopes() == [s.as_str()]));
}

#[tokio::test]
async fn an_unchanged_thousand_file_folder_downloads_nothing_again() {
    let google = FakeGoogle::start().await;
    for i in 0..1000 {
        google.add_file(
            FOLDER,
            &format!("doc-{i:04}.pdf"),
            PDF,
            bytes(&format!("%PDF {i}")),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let first = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    assert_eq!(first.downloaded, 1000);
    assert_eq!(first.list_pages, 1);
    let downloads = google.hits("files.get");

    // A full re-listing: one page, nothing downloaded.
    let mut full = SyncOptions::new(FOLDER, dir.path());
    full.full = true;
    let again = sync(&drive, &full, &NoProgress).await.unwrap();
    assert_eq!(
        (again.downloaded, again.unchanged, again.list_pages),
        (0, 1000, 1)
    );
    // The changes feed: no listing at all.
    let incremental = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    assert_eq!(
        (
            incremental.downloaded,
            incremental.list_pages,
            incremental.change_pages
        ),
        (0, 0, 1)
    );
    assert_eq!(google.hits("files.get"), downloads);
}

#[tokio::test]
async fn incremental_runs_follow_the_changes_feed() {
    let google = FakeGoogle::start().await;
    let keep = google.add_file(FOLDER, "keep.pdf", PDF, bytes("keep"));
    let edit = google.add_file(FOLDER, "edit.pdf", PDF, bytes("v1"));
    let trash = google.add_file(FOLDER, "trash.pdf", PDF, bytes("t"));
    let delete = google.add_file(FOLDER, "delete.pdf", PDF, bytes("d"));
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let options = SyncOptions::new(FOLDER, dir.path());
    sync(&drive, &options, &NoProgress).await.unwrap();

    google.update_file(&edit, bytes("v2"));
    google.trash_file(&trash);
    google.delete_file(&delete);
    google.add_file(FOLDER, "new.pdf", PDF, bytes("new"));
    let report = sync(&drive, &options, &NoProgress).await.unwrap();
    assert_eq!(
        (report.downloaded, report.removed, report.list_pages),
        (2, 2, 0),
        "{report:?}"
    );
    assert_eq!(files_in(dir.path()), ["edit.pdf", "keep.pdf", "new.pdf"]);
    assert_eq!(std::fs::read(dir.path().join("edit.pdf")).unwrap(), b"v2");
    let _ = keep;

    // With deletion off, local copies stay.
    google.trash_file(&edit);
    let mut keep_removed = options.clone();
    keep_removed.delete_removed = false;
    let report = sync(&drive, &keep_removed, &NoProgress).await.unwrap();
    assert_eq!(report.removed, 0);
    assert!(dir.path().join("edit.pdf").exists());
}

#[tokio::test]
async fn hostile_names_stay_inside_and_never_overwrite() {
    let google = FakeGoogle::start().await;
    for name in [
        "../escape.pdf",
        "../../etc/passwd",
        "a/b/c.pdf",
        "..",
        ".bashrc",
        "CON",
        "same.pdf",
        "same.pdf",
        "SAME.pdf",
        "mine.pdf",
        "evil\u{202E}fdp.exe",
        "line\nbreak.pdf",
    ] {
        google.add_file(FOLDER, name, PDF, bytes(&format!("content of {name}")));
    }
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("mirror");
    std::fs::create_dir(&dir).unwrap();
    // A file the user keeps there, which the mirror does not manage.
    std::fs::write(dir.join("mine.pdf"), b"the user's own").unwrap();

    let drive = client(&google, pacer()).await;
    let report = sync(&drive, &SyncOptions::new(FOLDER, &dir), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.downloaded, 12, "{report:?}");
    assert_eq!(
        std::fs::read(dir.join("mine.pdf")).unwrap(),
        b"the user's own"
    );
    // Nothing outside the target.
    let outside: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside, ["mirror"]);
    let names = files_in(&dir);
    assert_eq!(names.len(), 13, "{names:?}");
    for name in &names {
        assert!(!name.starts_with('.'), "{name}");
        assert!(!name.contains(['/', '\\', '\n']), "{name}");
    }
    // Every Drive file kept its own content.
    let mut contents: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect();
    contents.sort();
    contents.dedup();
    assert_eq!(contents.len(), 12, "two files shared one name");
}

#[tokio::test]
async fn an_md5_mismatch_retries_then_fails_without_a_partial_file() {
    let google = FakeGoogle::start().await;
    let bad = google.add_file(FOLDER, "bad.pdf", PDF, bytes("%PDF good content"));
    google.add_file(FOLDER, "fine.pdf", PDF, bytes("%PDF fine"));
    google.corrupt_downloads(&bad);
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let options = SyncOptions::new(FOLDER, dir.path());
    let report = sync(&drive, &options, &NoProgress).await.unwrap();
    assert_eq!(report.downloaded, 1);
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].1.contains("md5"), "{:?}", report.failed);
    assert_eq!(files_in(dir.path()), ["fine.pdf"], "no partial file left");
    assert_eq!(
        google.hits("files.get"),
        1 + 3,
        "three attempts at the bad one"
    );

    // Repaired upstream: the next run lists again and gets it.
    google.repair_downloads(&bad);
    let report = sync(&drive, &options, &NoProgress).await.unwrap();
    assert_eq!((report.downloaded, report.list_pages), (1, 1));
    assert_eq!(files_in(dir.path()), ["bad.pdf", "fine.pdf"]);
}

#[tokio::test]
async fn rate_limits_are_paced_and_exhausted_quotas_stop() {
    let google = FakeGoogle::start().await;
    google.add_file(FOLDER, "a.pdf", PDF, bytes("a"));
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    google.fail_next(&[
        GoogleFault::UserRateLimit,
        GoogleFault::TooManyRequests,
        GoogleFault::Unavailable,
    ]);
    let report = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.downloaded, 1);

    let dir = tempfile::tempdir().unwrap();
    google.fail_next(&[GoogleFault::DailyLimit]);
    let err = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::Api(ref why) if why.contains("quota")),
        "{err}"
    );

    google.fail_next(&[GoogleFault::Unavailable; 10]);
    let err = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::RetriesExhausted(_)), "{err}");
}

#[tokio::test]
async fn a_hanging_call_times_out_and_is_retried() {
    let google = FakeGoogle::start().await;
    google.add_file(FOLDER, "a.pdf", PDF, bytes("a"));
    let dir = tempfile::tempdir().unwrap();
    let quick = Pacer {
        call_timeout: Duration::from_millis(300),
        ..pacer()
    };
    let drive = client(&google, quick).await;
    google.fail_next(&[GoogleFault::Hang]);
    let started = std::time::Instant::now();
    let report = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.downloaded, 1);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_target_holding_another_folders_mirror_is_refused() {
    let google = FakeGoogle::start().await;
    google.add_file(FOLDER, "a.pdf", PDF, bytes("a"));
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    let err = sync(
        &drive,
        &SyncOptions::new("1Another", dir.path()),
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SyncError::Config(_)), "{err}");
}

#[tokio::test]
async fn every_https_client_builds_with_one_crypto_provider() {
    // The clients the workspace builds for Google, with real https
    // endpoints: building must not panic over rustls providers.
    let google = FakeGoogle::start().await;
    let mut key: serde_json::Value = serde_json::from_str(&google.service_account_json()).unwrap();
    key["token_uri"] = "https://oauth2.googleapis.com/token".into();
    let key = serde_json::from_value(key).unwrap();
    let drive = DriveClient::new(key, Pacer::default()).await.unwrap();
    let _ = format!("{drive:?}");
    let key = serde_json::from_str(&google.service_account_json()).unwrap();
    let tokens = alphaguard_gcp_secrets::TokenSource::service_account(key, Duration::from_secs(5))
        .await
        .unwrap();
    alphaguard_gcp_secrets::SecretManager::new(
        alphaguard_gcp_secrets::DEFAULT_ENDPOINT,
        tokens,
        alphaguard_gcp_secrets::Backoff::default(),
    )
    .unwrap();
}

#[tokio::test]
async fn a_manifest_naming_files_outside_the_target_is_refused() {
    let google = FakeGoogle::start().await;
    let id = google.add_file(FOLDER, "a.pdf", PDF, bytes("%PDF a"));
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("mirror");
    let victim = root.path().join("victim.pdf");
    let drive = client(&google, pacer()).await;
    let options = SyncOptions::new(FOLDER, &dir);
    sync(&drive, &options, &NoProgress).await.unwrap();
    let manifest_path = dir.join(MANIFEST_NAME);
    let good = std::fs::read_to_string(&manifest_path).unwrap();
    // The file is then trashed: a run trusting the manifest would delete
    // whatever its `local` names.
    google.trash_file(&id);
    let absolute = victim.to_string_lossy().into_owned();
    for hostile in [
        absolute.as_str(),
        "../victim.pdf",
        "/etc/x",
        "..",
        "",
        ".alphaguard-drive-sync.json",
        "sub/dir.pdf",
    ] {
        std::fs::write(&victim, b"not the mirror's").unwrap();
        let mut manifest: serde_json::Value = serde_json::from_str(&good).unwrap();
        manifest["files"][&id]["local"] = hostile.into();
        std::fs::write(&manifest_path, manifest.to_string()).unwrap();
        let err = sync(&drive, &options, &NoProgress).await.unwrap_err();
        assert!(matches!(err, SyncError::Manifest(_)), "{hostile:?}: {err}");
        assert!(!err.to_string().contains("victim"), "{err}");
        assert_eq!(
            std::fs::read(&victim).unwrap(),
            b"not the mirror's",
            "{hostile:?}"
        );
        assert!(dir.join("a.pdf").exists(), "{hostile:?}");
    }
    // Other tampering: a non-Drive id, two entries sharing one name, a bad md5.
    let tampered = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut manifest: serde_json::Value = serde_json::from_str(&good).unwrap();
        edit(&mut manifest);
        std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    };
    tampered(&|m| m["files"]["../x"] = m["files"][&id].clone());
    assert!(matches!(
        sync(&drive, &options, &NoProgress).await,
        Err(SyncError::Manifest(_))
    ));
    tampered(&|m| m["files"]["1Twin"] = m["files"][&id].clone());
    assert!(matches!(
        sync(&drive, &options, &NoProgress).await,
        Err(SyncError::Manifest(_))
    ));
    tampered(&|m| m["files"][&id]["md5"] = "zz".into());
    assert!(matches!(
        sync(&drive, &options, &NoProgress).await,
        Err(SyncError::Manifest(_))
    ));
    // The manifest as written passes, and the trashed file goes.
    std::fs::write(&manifest_path, &good).unwrap();
    let report = sync(&drive, &options, &NoProgress).await.unwrap();
    assert_eq!(report.removed, 1);
    assert_eq!(std::fs::read(&victim).unwrap(), b"not the mirror's");
}

#[tokio::test]
async fn a_download_larger_than_listed_is_cut_off_and_leaves_nothing() {
    let google = FakeGoogle::start().await;
    let big = google.add_file(
        FOLDER,
        "grows.pdf",
        PDF,
        FileContent::Pattern {
            len: 5 * 64 * 1024,
            seed: 7,
        },
    );
    google.add_file(FOLDER, "fine.pdf", PDF, bytes("%PDF fine"));
    // Listed at a bit more than one chunk: the second chunk oversteps it.
    google.list_size(&big, 64 * 1024 + 1);
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let report = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.downloaded, 1, "{report:?}");
    assert_eq!(report.failed.len(), 1);
    assert!(
        report.failed[0].1.contains("too large"),
        "{:?}",
        report.failed
    );
    assert_eq!(files_in(dir.path()), ["fine.pdf"]);
    let hidden: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert_eq!(hidden, Vec::<String>::new(), "no partial file");
    assert_eq!(google.hits("files.get"), 2, "not retried");
}

#[tokio::test]
async fn files_over_drive_max_file_bytes_are_not_downloaded() {
    let google = FakeGoogle::start().await;
    google.add_file(
        FOLDER,
        "huge.pdf",
        PDF,
        FileContent::Pattern {
            len: 2 << 20,
            seed: 1,
        },
    );
    google.add_file(FOLDER, "small.pdf", PDF, bytes("%PDF small"));
    let cap = DriveConfig::from_lookup(|name| {
        (name == "DRIVE_MAX_FILE_BYTES").then(|| (1u64 << 20).to_string())
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let options = SyncOptions::new(FOLDER, dir.path()).with_config(&cap);
    assert_eq!(options.max_file_bytes, 1 << 20);
    let report = sync(&drive, &options, &NoProgress).await.unwrap();
    assert_eq!(report.downloaded, 1);
    assert!(
        report.failed[0].1.contains("DRIVE_MAX_FILE_BYTES"),
        "{:?}",
        report.failed
    );
    assert_eq!(files_in(dir.path()), ["small.pdf"]);
    assert_eq!(
        google.hits("files.get"),
        1,
        "the large file was never requested"
    );

    // A size Drive does not list still meets the cap as bytes arrive.
    let google = FakeGoogle::start().await;
    let liar = google.add_file(
        FOLDER,
        "liar.pdf",
        PDF,
        FileContent::Pattern {
            len: 2 << 20,
            seed: 2,
        },
    );
    google.list_size(&liar, 1000);
    let dir = tempfile::tempdir().unwrap();
    let drive = client(&google, pacer()).await;
    let mut options = SyncOptions::new(FOLDER, dir.path());
    options.max_file_bytes = 1 << 20;
    let report = sync(&drive, &options, &NoProgress).await.unwrap();
    assert_eq!((report.downloaded, report.failed.len()), (0, 1));
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_plain_http_api_root_gets_no_token() {
    let google = FakeGoogle::start().await;
    google.add_file(FOLDER, "a.pdf", PDF, bytes("a"));
    let key = || serde_json::from_str(&google.service_account_json()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for root in [
        "http://www.googleapis.com/",
        "http://10.1.2.3:8080",
        "http://127.0.0.1.evil.example/",
    ] {
        let drive = DriveClient::new(key(), pacer())
            .await
            .unwrap()
            .with_root_url(root);
        let err = sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
            .await
            .unwrap_err();
        assert!(
            matches!(err, SyncError::Config(ref why) if why.contains("DRIVE_API_ROOT_URL")),
            "{err}"
        );
        let err = DriveClient::new(key(), pacer())
            .await
            .unwrap()
            .try_with_root_url(root)
            .unwrap_err();
        assert!(matches!(err, SyncError::Config(_)), "{err}");
    }
    assert_eq!(
        google.hits("token"),
        0,
        "no token was asked for, so none sent"
    );
    // Loopback http is the tests' way in.
    let drive = DriveClient::new(key(), pacer())
        .await
        .unwrap()
        .try_with_root_url(&google.url())
        .unwrap();
    sync(&drive, &SyncOptions::new(FOLDER, dir.path()), &NoProgress)
        .await
        .unwrap();
}
