//! Secret Manager access, the cache and the environment fallback, against
//! a loopback Google that speaks the real wire format.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alphaguard_gcp_secrets::{
    Backoff, CLOUD_PLATFORM_SCOPE, Config, Error, GoogleCredentials, Method,
};
use alphaguard_test_support::{FakeGoogle, GoogleFault};

const PROJECT: &str = "fake-project";
const SECRET: &str = "alphapy-google-credentials";

fn fast() -> Backoff {
    Backoff {
        initial: Duration::from_millis(20),
        multiplier: 2,
        max: Duration::from_millis(80),
        deadline: Duration::from_secs(2),
    }
}

/// A key file for Secret Manager access, pointing at the fake.
fn key_file(google: &FakeGoogle) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(google.service_account_json().as_bytes())
        .unwrap();
    file
}

fn config(vars: &[(&str, String)]) -> Config {
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap()
}

async fn secret_manager(
    google: &FakeGoogle,
    file: &tempfile::NamedTempFile,
    extra: &[(&str, String)],
) -> GoogleCredentials {
    let mut vars = vec![
        ("GOOGLE_PROJECT_ID", PROJECT.to_owned()),
        ("SECRET_MANAGER_ENDPOINT", google.url()),
        (
            "GOOGLE_APPLICATION_CREDENTIALS",
            file.path().to_string_lossy().into_owned(),
        ),
    ];
    vars.extend(extra.iter().cloned());
    GoogleCredentials::with_backoff(&config(&vars), fast())
        .await
        .unwrap()
}

/// The key the secret holds: another service account's JSON.
fn stored_key() -> String {
    r#"{"type":"service_account","project_id":"drive-project","private_key_id":"k2","private_key":"-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n","client_email":"drive@drive-project.iam.gserviceaccount.com","client_id":"2","token_uri":"https://oauth2.googleapis.com/token"}"#.to_owned()
}

#[tokio::test]
async fn reads_the_latest_version_with_a_cloud_platform_token_and_caches_it() {
    let google = FakeGoogle::start().await;
    google.add_secret_version(PROJECT, SECRET, b"old version");
    google.add_secret_version(PROJECT, SECRET, stored_key().as_bytes());
    let file = key_file(&google);
    let creds = secret_manager(&google, &file, &[]).await;
    assert_eq!(creds.method(), Method::SecretManager);

    let key = creds.service_account_key().await.unwrap();
    assert_eq!(
        key.client_email,
        "drive@drive-project.iam.gserviceaccount.com"
    );
    assert_eq!(google.token_scopes(), [CLOUD_PLATFORM_SCOPE]);
    for _ in 0..10 {
        creds.service_account_json().await.unwrap();
    }
    assert_eq!(google.hits("access"), 1, "served from the cache");

    // Incident response: the next read fetches again.
    assert_eq!(creds.clear_cache(), 1);
    assert_eq!(creds.clear_cache(), 0);
    creds.service_account_json().await.unwrap();
    assert_eq!(google.hits("access"), 2);

    // Nothing secret in Debug output.
    let shown = format!(
        "{creds:?} {:?}",
        creds.service_account_json().await.unwrap()
    );
    assert!(!shown.contains("not-a-real-key"), "{shown}");
    assert!(shown.contains("[redacted]"));
}

#[tokio::test]
async fn a_pinned_version_and_the_metadata_server() {
    let google = FakeGoogle::start().await;
    google.add_secret_version(PROJECT, SECRET, b"v1 data");
    google.add_secret_version(PROJECT, SECRET, b"v2 data");
    let host = google.url().trim_start_matches("http://").to_owned();
    let creds = GoogleCredentials::with_backoff(
        &config(&[
            ("GOOGLE_PROJECT_ID", PROJECT.to_owned()),
            ("GOOGLE_SECRET_VERSION", "1".to_owned()),
            ("SECRET_MANAGER_ENDPOINT", google.url()),
            ("GCE_METADATA_HOST", host),
        ]),
        fast(),
    )
    .await
    .unwrap();
    let value = creds.service_account_json().await.unwrap();
    assert_eq!(value.expose(), b"v1 data");
    assert_eq!(google.hits("metadata"), 1);
    assert_eq!(google.hits("token"), 0);
    assert_eq!(google.token_scopes(), [CLOUD_PLATFORM_SCOPE]);
}

#[tokio::test]
async fn the_environment_is_the_fallback_and_nothing_is_an_error() {
    let creds =
        GoogleCredentials::from_config(&config(&[("GOOGLE_CREDENTIALS_JSON", stored_key())]))
            .await
            .unwrap();
    assert_eq!(creds.method(), Method::Environment);
    assert_eq!(
        creds
            .service_account_key()
            .await
            .unwrap()
            .project_id
            .as_deref(),
        Some("drive-project")
    );
    assert_eq!(creds.clear_cache(), 0);

    let none = GoogleCredentials::from_config(&config(&[])).await;
    assert_eq!(none.unwrap_err(), Error::NotConfigured);

    let not_a_key = GoogleCredentials::from_config(&config(&[(
        "GOOGLE_CREDENTIALS_JSON",
        r#"{"type":"authorized_user","client_secret":"s3cr3t"}"#.to_owned(),
    )]))
    .await
    .unwrap();
    let err = not_a_key.service_account_key().await.unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials(_)));
    assert!(!err.to_string().contains("s3cr3t"));
}

#[tokio::test]
async fn not_found_and_permission_denied_are_reported_plainly_without_retries() {
    let google = FakeGoogle::start().await;
    let file = key_file(&google);
    let creds = secret_manager(&google, &file, &[]).await;
    let err = creds.service_account_json().await.unwrap_err();
    assert_eq!(
        err,
        Error::NotFound {
            resource: format!("projects/{PROJECT}/secrets/{SECRET}/versions/latest")
        }
    );
    assert_eq!(google.hits("access"), 1);

    google.add_secret_version(PROJECT, SECRET, b"x");
    google.deny_secret(PROJECT, SECRET);
    let err = creds.service_account_json().await.unwrap_err();
    assert!(matches!(err, Error::PermissionDenied { .. }), "{err}");
    assert!(err.to_string().contains("secretmanager.secretAccessor"));
    assert_eq!(google.hits("access"), 2);
}

#[tokio::test]
async fn resource_exhausted_and_unavailable_are_retried_with_backoff() {
    let google = FakeGoogle::start().await;
    google.add_secret_version(PROJECT, SECRET, b"finally");
    let file = key_file(&google);
    let creds = secret_manager(&google, &file, &[]).await;
    google.fail_next(&[GoogleFault::TooManyRequests, GoogleFault::Unavailable]);
    let started = Instant::now();
    assert_eq!(
        creds.service_account_json().await.unwrap().expose(),
        b"finally"
    );
    assert_eq!(
        google.hits("access"),
        1,
        "faults are answered before routing"
    );
    // Two waits: at least half of 20 ms and half of 40 ms.
    assert!(started.elapsed() >= Duration::from_millis(30));

    // Past the deadline it gives up.
    creds.clear_cache();
    google.fail_next(&[GoogleFault::Unavailable; 200]);
    let started = Instant::now();
    let err = creds.service_account_json().await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_crc32c_mismatch_is_refused() {
    let google = FakeGoogle::start().await;
    google.add_corrupt_secret_version(PROJECT, SECRET, b"tampered", "12345");
    let file = key_file(&google);
    let creds = secret_manager(&google, &file, &[]).await;
    assert!(matches!(
        creds.service_account_json().await.unwrap_err(),
        Error::Corrupt { .. }
    ));
}

#[tokio::test]
async fn stale_if_error_within_its_limit_only() {
    let google = FakeGoogle::start().await;
    google.add_secret_version(PROJECT, SECRET, b"cached");
    let file = key_file(&google);
    // A TTL of zero: every read goes to Secret Manager.
    let creds = secret_manager(
        &google,
        &file,
        &[
            ("GOOGLE_SECRET_CACHE_TTL_SECS", "0".to_owned()),
            ("GOOGLE_SECRET_STALE_IF_ERROR_SECS", "60".to_owned()),
        ],
    )
    .await;
    let strict = secret_manager(
        &google,
        &file,
        &[
            ("GOOGLE_SECRET_CACHE_TTL_SECS", "0".to_owned()),
            ("GOOGLE_SECRET_STALE_IF_ERROR_SECS", "0".to_owned()),
        ],
    )
    .await;
    // Both hold the value, then Secret Manager goes down.
    creds.service_account_json().await.unwrap();
    strict.service_account_json().await.unwrap();
    google.fail_next(&[GoogleFault::Unavailable; 400]);
    assert_eq!(
        creds.service_account_json().await.unwrap().expose(),
        b"cached"
    );
    assert!(matches!(
        strict.service_account_json().await,
        Err(Error::Unavailable(_))
    ));
}

#[tokio::test]
async fn concurrent_misses_make_one_fetch() {
    let google = FakeGoogle::start().await;
    google.add_secret_version(PROJECT, SECRET, b"shared");
    let file = key_file(&google);
    let creds = Arc::new(secret_manager(&google, &file, &[]).await);
    // The first attempt fails, so the fetch lasts one backoff delay while
    // the others pile up behind it.
    google.fail_next(&[GoogleFault::Unavailable]);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let creds = Arc::clone(&creds);
            tokio::spawn(async move { creds.service_account_json().await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().expose(), b"shared");
    }
    assert_eq!(google.hits("access"), 1);
}
