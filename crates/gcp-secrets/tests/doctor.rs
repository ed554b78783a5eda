//! What `alphaguard doctor` asks of the Google side, and the cache clear
//! racing a fetch, against a loopback Google that speaks the real wire
//! format (Secret Manager, IAM, OAuth).

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use alphaguard_gcp_secrets::{Backoff, Config, Crc32cCheck, Error, GoogleCredentials, Method};
use alphaguard_test_support::{FAKE_SERVICE_ACCOUNT, FakeGoogle, unix_now};

const PROJECT: &str = "fake-project";
const SECRET: &str = "alphapy-google-credentials";
const DRIVE_ACCOUNT: &str = "drive@drive-project.iam.gserviceaccount.com";
const DAY: u64 = 86_400;

fn fast() -> Backoff {
    Backoff {
        initial: Duration::from_millis(20),
        multiplier: 2,
        max: Duration::from_millis(80),
        deadline: Duration::from_secs(2),
    }
}

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

async fn secret_manager(google: &FakeGoogle, file: &tempfile::NamedTempFile) -> GoogleCredentials {
    GoogleCredentials::with_backoff(
        &config(&[
            ("GOOGLE_PROJECT_ID", PROJECT.to_owned()),
            ("SECRET_MANAGER_ENDPOINT", google.url()),
            ("IAM_ENDPOINT", google.url()),
            (
                "GOOGLE_APPLICATION_CREDENTIALS",
                file.path().to_string_lossy().into_owned(),
            ),
        ]),
        fast(),
    )
    .await
    .unwrap()
}

/// A key for the Drive account, as stored in the secret.
fn stored_key(key_id: &str) -> String {
    format!(
        r#"{{"type":"service_account","project_id":"drive-project","private_key_id":"{key_id}","private_key":"-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n","client_email":"{DRIVE_ACCOUNT}","client_id":"2","token_uri":"https://oauth2.googleapis.com/token"}}"#
    )
}

#[tokio::test]
async fn a_clear_during_a_fetch_is_not_undone_by_it() {
    let google = FakeGoogle::start().await;
    google.add_secret_version(PROJECT, SECRET, b"leaked key");
    let file = key_file(&google);
    let creds = Arc::new(secret_manager(&google, &file).await);

    // A fetch reads the old version, and its answer is held in flight.
    google.hold_answers();
    let in_flight = {
        let creds = Arc::clone(&creds);
        tokio::spawn(async move { creds.service_account_json().await })
    };
    while google.held_answers() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Meanwhile: the key is rotated and the cache cleared.
    google.add_secret_version(PROJECT, SECRET, b"rotated key");
    creds.clear_cache();
    google.release_answers();

    let got = in_flight.await.unwrap().unwrap();
    assert_eq!(
        got.expose(),
        b"rotated key",
        "the pre-clear read was discarded"
    );
    assert_eq!(
        creds.cached_service_account_json().unwrap().expose(),
        b"rotated key",
        "the cache holds the new value, not the one the clear dropped"
    );
    assert_eq!(google.hits("access"), 2, "one discarded fetch, one more");
}

#[tokio::test]
async fn the_credential_source_is_a_printable_value() {
    let google = FakeGoogle::start().await;
    let file = key_file(&google);
    let sm = secret_manager(&google, &file).await;
    assert_eq!(sm.method(), Method::SecretManager);
    assert_eq!(sm.method().to_string(), "Secret Manager");
    assert_eq!(sm.method().as_str(), "secret_manager");
    assert_eq!(
        sm.resource(),
        Some("projects/fake-project/secrets/alphapy-google-credentials/versions/latest")
    );
    let env =
        GoogleCredentials::from_config(&config(&[("GOOGLE_CREDENTIALS_JSON", stored_key("k2"))]))
            .await
            .unwrap();
    assert_eq!(env.method().to_string(), "GOOGLE_CREDENTIALS_JSON");
    assert_eq!(env.method().as_str(), "environment");
    assert_eq!(env.resource(), None);
    assert_eq!(
        google.hits("access"),
        0,
        "naming the source fetches nothing"
    );
}

#[tokio::test]
async fn check_secret_reports_decoding_crc32c_and_key_shape() {
    let google = FakeGoogle::start().await;
    let file = key_file(&google);
    let creds = secret_manager(&google, &file).await;

    google.add_secret_version(PROJECT, SECRET, stored_key("k2").as_bytes());
    let check = creds.check_secret().await.unwrap();
    assert!(check.is_ok(), "{check:?}");
    assert!(check.decodes);
    assert_eq!(check.crc32c, Crc32cCheck::Matches);
    assert_eq!(check.len, stored_key("k2").len());
    assert_eq!(
        check.version.as_deref(),
        Some("projects/123456789012/secrets/alphapy-google-credentials/versions/1")
    );
    let key = check.key.unwrap();
    assert_eq!(key.client_email, DRIVE_ACCOUNT);
    assert_eq!(key.private_key_id.as_deref(), Some("k2"));
    // The check bypasses the cache and leaves it empty.
    assert!(creds.cached_service_account_json().is_none());

    // A version whose checksum does not match.
    google.add_corrupt_secret_version(PROJECT, SECRET, stored_key("k3").as_bytes(), "12345");
    let check = creds.check_secret().await.unwrap();
    assert!(!check.is_ok());
    assert!(check.decodes);
    assert_eq!(check.crc32c, Crc32cCheck::Mismatch);

    // A version that is not a service-account key; nothing of it shown.
    google.add_secret_version(
        PROJECT,
        SECRET,
        br#"{"type":"authorized_user","client_secret":"s3cr3t"}"#,
    );
    let check = creds.check_secret().await.unwrap();
    assert!(!check.is_ok());
    assert_eq!(check.crc32c, Crc32cCheck::Matches);
    assert!(check.key.is_err());
    assert!(!format!("{check:?}").contains("s3cr3t"));

    // HTTP failures stay errors.
    google.deny_secret(PROJECT, SECRET);
    assert!(matches!(
        creds.check_secret().await,
        Err(Error::PermissionDenied { .. })
    ));

    // From the environment: no CRC32C to check, the key shape still is.
    let env =
        GoogleCredentials::from_config(&config(&[("GOOGLE_CREDENTIALS_JSON", stored_key("k2"))]))
            .await
            .unwrap();
    let check = env.check_secret().await.unwrap();
    assert!(check.is_ok());
    assert_eq!(check.crc32c, Crc32cCheck::NotApplicable);
    assert_eq!(check.version, None);
}

#[tokio::test]
async fn the_key_age_comes_from_iam_as_the_runtime_identity() {
    let google = FakeGoogle::start().await;
    let file = key_file(&google);
    let creds = secret_manager(&google, &file).await;
    google.add_secret_version(PROJECT, SECRET, stored_key("k2").as_bytes());
    let made = unix_now() - 100 * DAY;
    google.add_service_account_key(DRIVE_ACCOUNT, "k2", made);

    let info = creds.key_info().await.unwrap();
    assert_eq!(
        info.name,
        format!("projects/drive-project/serviceAccounts/{DRIVE_ACCOUNT}/keys/k2")
    );
    assert!(
        info.valid_after_time.ends_with('Z'),
        "{}",
        info.valid_after_time
    );
    assert_eq!(
        info.valid_after,
        SystemTime::UNIX_EPOCH + Duration::from_secs(made)
    );
    let now = SystemTime::now();
    assert_eq!(info.age_days(now), 100);
    assert!(info.is_older_than(Duration::from_secs(90 * DAY), now));
    assert!(!info.disabled);
    assert_eq!(info.key_type.as_deref(), Some("USER_MANAGED"));
    assert_eq!(google.hits("iam.keys.get"), 1);

    // A young key passes the default policy (KEY_MAX_AGE_DAYS = 90).
    google.add_service_account_key(DRIVE_ACCOUNT, "k2", unix_now() - 3 * DAY);
    let info = creds.key_info().await.unwrap();
    assert_eq!(info.age_days(SystemTime::now()), 3);
    assert!(!info.is_older_than(
        Config::from_lookup(|_| None).unwrap().key_max_age,
        SystemTime::now()
    ));

    google.disable_service_account_key(DRIVE_ACCOUNT, "k2");
    assert!(creds.key_info().await.unwrap().disabled);
}

#[tokio::test]
async fn key_age_failures_are_plain_errors() {
    let google = FakeGoogle::start().await;
    let file = key_file(&google);
    let creds = secret_manager(&google, &file).await;
    // A key IAM does not know (deleted, or another account's).
    google.add_secret_version(PROJECT, SECRET, stored_key("gone").as_bytes());
    let err = creds.key_info().await.unwrap_err();
    assert!(
        matches!(err, Error::Iam(ref why) if why.contains("no such key")),
        "{err}"
    );

    // An identity without iam.serviceAccountKeys.get.
    google.add_service_account_key(DRIVE_ACCOUNT, "gone", unix_now());
    google.deny_key_reads();
    let err = creds.key_info().await.unwrap_err();
    assert!(
        matches!(err, Error::Iam(ref why) if why.contains("roles/iam.serviceAccountViewer")),
        "{err}"
    );

    // A key id that would splice into the path is refused before any request.
    let hits = google.hits("iam.keys.get");
    google.add_secret_version(PROJECT, SECRET, stored_key("../../x").as_bytes());
    creds.clear_cache();
    let err = creds.key_info().await.unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials(_)), "{err}");
    assert_eq!(google.hits("iam.keys.get"), hits);
}

#[tokio::test]
async fn from_the_environment_the_key_asks_about_itself() {
    let google = FakeGoogle::start().await;
    let key: serde_json::Value = serde_json::from_str(&google.service_account_json()).unwrap();
    let key_id = key["private_key_id"].as_str().unwrap().to_owned();
    google.add_service_account_key(FAKE_SERVICE_ACCOUNT, &key_id, unix_now() - 10 * DAY);
    let creds = GoogleCredentials::from_config(&config(&[
        ("GOOGLE_CREDENTIALS_JSON", google.service_account_json()),
        ("IAM_ENDPOINT", google.url()),
    ]))
    .await
    .unwrap();
    let info = creds.key_info().await.unwrap();
    assert_eq!(info.age_days(SystemTime::now()), 10);
    assert_eq!(google.hits("token"), 1, "a token for the key itself");
    assert_eq!(
        google.token_scopes(),
        ["https://www.googleapis.com/auth/cloud-platform"]
    );
}
