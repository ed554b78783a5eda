//! `alphaguard doctor` and `alphaguard drive-sync`: the real binary, run
//! with environment variables only, against a real `redis-server`, the
//! loopback Supabase and Google, and a recording upstream. Every check is
//! seen passing, and each failing case is seen failing with its exit code.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::Write as _;
use std::time::Duration;

use alphaguard_test_support::{
    FAKE_SERVICE_ACCOUNT, FakeGoogle, FakeSupabase, FileContent, RecordingUpstream, RedisServer,
    SupabaseMode, unix_now,
};

const BIN: &str = env!("CARGO_BIN_EXE_alphaguard");
const KEY: &str = "service-key-0123456789abcdef";
const PROJECT: &str = "fake-project";
const SECRET: &str = "alphapy-google-credentials";
/// The `private_key_id` of the fake's service-account JSON.
const KEY_ID: &str = "0123456789abcdef0123456789abcdef01234567";
const DAY: u64 = 86_400;

/// What one run printed.
#[derive(Debug)]
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// `check name -> (status, whole line)`.
    fn lines(&self) -> HashMap<String, (String, String)> {
        self.stdout
            .lines()
            .filter_map(|line| {
                let (status, rest) = line.split_once(' ')?;
                let (name, _) = rest.trim_start().split_once(": ")?;
                Some((name.to_owned(), (status.trim().to_owned(), line.to_owned())))
            })
            .collect()
    }

    /// The status of `check`, and its line.
    #[track_caller]
    fn check(&self, name: &str) -> (String, String) {
        self.lines()
            .remove(name)
            .unwrap_or_else(|| panic!("no {name} line in:\n{}", self.stdout))
    }

    #[track_caller]
    fn expect(&self, name: &str, status: &str, needle: &str) {
        let (got, line) = self.check(name);
        assert_eq!(got, status, "{line}\n---\n{}", self.stdout);
        assert!(line.contains(needle), "{needle:?} not in {line}");
        if status == "warn" || status == "fail" {
            assert!(line.contains("(fix: "), "no fix in {line}");
        }
    }
}

async fn run(vars: &[(&str, String)], args: &[&str]) -> Outcome {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.env_clear().env("RUST_LOG", "off");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.args(args).output())
        .await
        .expect("doctor hung")
        .unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

async fn doctor(vars: &[(&str, String)]) -> Outcome {
    run(vars, &["doctor", "--timeout-ms", "1500"]).await
}

/// Replaces or adds `changes` in `base`; a value of `None` removes it.
fn with(
    base: &[(&'static str, String)],
    changes: &[(&'static str, Option<&str>)],
) -> Vec<(&'static str, String)> {
    let mut vars: Vec<(&'static str, String)> = base
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .cloned()
        .collect();
    for (k, v) in changes {
        if let Some(v) = v {
            vars.push((k, (*v).to_owned()));
        }
    }
    vars
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

struct World {
    redis: RedisServer,
    supabase: FakeSupabase,
    google: FakeGoogle,
    upstream: RecordingUpstream,
    key_file: tempfile::NamedTempFile,
}

impl World {
    async fn start() -> Option<Self> {
        let redis = RedisServer::start()?;
        let google = FakeGoogle::start().await;
        google.add_secret_version(PROJECT, SECRET, google.service_account_json().as_bytes());
        google.add_service_account_key(FAKE_SERVICE_ACCOUNT, KEY_ID, unix_now() - 10 * DAY);
        let mut key_file = tempfile::NamedTempFile::new().unwrap();
        key_file
            .write_all(google.service_account_json().as_bytes())
            .unwrap();
        Some(Self {
            redis,
            supabase: FakeSupabase::start().await,
            google,
            upstream: RecordingUpstream::start().await,
            key_file,
        })
    }

    /// A production configuration with everything set and reachable.
    fn production(&self) -> Vec<(&'static str, String)> {
        let mut vars = vec![
            ("APP_ENV", "production".to_owned()),
            ("STRICT_SECURITY_MODE", "1".to_owned()),
            ("API_KEY", KEY.to_owned()),
            ("SUPABASE_URL", self.supabase.url()),
            ("SUPABASE_ANON_KEY", self.supabase.anon_key()),
            ("OWNER_IDS", "123456789012345678".to_owned()),
            ("RATE_LIMIT_REDIS_URL", self.redis.url()),
            ("WEBHOOK_INBOX_URL", self.redis.url()),
            ("UPSTREAM_URL", self.upstream.url()),
            ("TRUSTED_PROXIES", "10.0.0.0/8,fd00::/8".to_owned()),
            ("GOOGLE_PROJECT_ID", PROJECT.to_owned()),
            ("SECRET_MANAGER_ENDPOINT", self.google.url()),
            ("IAM_ENDPOINT", self.google.url()),
            (
                "GOOGLE_APPLICATION_CREDENTIALS",
                self.key_file.path().to_string_lossy().into_owned(),
            ),
        ];
        for var in [
            "SUPABASE_WEBHOOK_SECRET",
            "PREMIUM_INVALIDATE_WEBHOOK_SECRET",
            "APP_REFLECTIONS_WEBHOOK_SECRET",
            "FOUNDER_WEBHOOK_SECRET",
            "LEGAL_UPDATE_WEBHOOK_SECRET",
        ] {
            vars.push((var, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()));
        }
        vars
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sound_production_configuration_passes_every_check() {
    let Some(world) = World::start().await else {
        return;
    };
    let vars = world.production();
    let out = doctor(&vars).await;
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for (name, needle) in [
        ("mode", "production, strict"),
        ("strict_gaps", "nothing"),
        (
            "authentication",
            "API key (1 configured), Supabase JWT (remote)",
        ),
        ("webhooks", "every webhook has a secret"),
        ("secrets_in_flags", "no secret"),
        ("trusted_proxies", "2 private range(s)"),
        ("rate_limit_store", "Redis"),
        ("redis", "PONG from redis://127.0.0.1"),
        ("webhook_inbox", "Redis stream, PONG from redis://127.0.0.1"),
        ("upstream", "GET http://127.0.0.1"),
        ("supabase", "/auth/v1/settings: HTTP 200"),
        (
            "google_credentials",
            "Secret Manager: projects/fake-project/secrets/alphapy-google-credentials/versions/latest",
        ),
        ("google_secret", "CRC32C matches"),
        ("google_key_age", "is 10 days old (policy: 90 days)"),
        ("drive_scopes", "drive.readonly only"),
    ] {
        out.expect(name, "ok", needle);
    }
    assert!(
        out.stdout
            .ends_with("doctor: 15 ok, 0 warn, 0 fail, 0 skip\n"),
        "{}",
        out.stdout
    );
    // It asked each service once and started nothing.
    assert_eq!(world.upstream.received().len(), 1);
    assert_eq!(world.google.hits("iam.keys.get"), 1);
    // Nothing secret is printed.
    for secret in [KEY, "whsec_", &world.supabase.anon_key()] {
        assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret));
    }

    // The same as JSON.
    let out = run(&vars, &["doctor", "--json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["summary"]["ok"], 15);
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 15);
    assert!(
        checks
            .iter()
            .all(|c| c["status"] == "ok" && c.get("fix").is_none())
    );
    assert_eq!(checks[0]["name"], "mode");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_unreachable_dependency_fails() {
    let Some(mut world) = World::start().await else {
        return;
    };
    let base = world.production();

    // Redis stopped.
    world.redis.stop();
    let out = doctor(&base).await;
    assert_eq!(out.code, 1);
    out.expect("redis", "fail", "connection refused");
    out.expect("webhook_inbox", "fail", "connection refused");
    out.expect("upstream", "ok", "HTTP 200");
    world.redis.restart();

    // A Redis that may evict keys: refused as the inbox.
    world.redis.command(&["CONFIG", "SET", "maxmemory", "64mb"]);
    world
        .redis
        .command(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]);
    let out = doctor(&base).await;
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.expect("webhook_inbox", "fail", "maxmemory-policy allkeys-lru");
    out.expect("redis", "ok", "PONG");
    world
        .redis
        .command(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    let out = doctor(&base).await;
    out.expect("webhook_inbox", "ok", "PONG");
    world.redis.command(&["CONFIG", "SET", "maxmemory", "0"]);

    // The inbox: in memory (lost on exit), then on a directory that cannot
    // be written, then on one that can (created by the server).
    let out = doctor(&with(&base, &[("WEBHOOK_INBOX_URL", Some("memory:"))])).await;
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.expect("webhook_inbox", "fail", "lost when the process stops");
    let out = doctor(&with(
        &base,
        &[(
            "WEBHOOK_INBOX_URL",
            Some("sqlite:/proc/alphaguard/inbox.sqlite3"),
        )],
    ))
    .await;
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.expect("webhook_inbox", "fail", "/proc is not a writable directory");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data/inbox.sqlite3");
    let url = format!("sqlite:{}", file.display());
    let out = doctor(&with(&base, &[("WEBHOOK_INBOX_URL", Some(&url))])).await;
    // With a shared limiter (replicas), a SQLite inbox per replica warns:
    // each keeps its own replay memory.
    out.expect("webhook_inbox", "warn", "one per replica");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = doctor(&with(
        &base,
        &[
            ("WEBHOOK_INBOX_URL", Some(&url)),
            ("RATE_LIMIT_REDIS_URL", None),
        ],
    ))
    .await;
    out.expect("webhook_inbox", "ok", "SQLite at");
    assert!(!file.exists(), "doctor wrote the inbox");

    // The upstream: nothing listening; then answering 503 (a warning).
    let nowhere = format!("http://127.0.0.1:{}", closed_port());
    let out = doctor(&with(&base, &[("UPSTREAM_URL", Some(&nowhere))])).await;
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.expect("upstream", "fail", "cannot connect");
    out.expect("redis", "ok", "PONG");
    world.upstream.respond(503, "down");
    let out = run(&base, &["doctor", "--upstream-path", "/healthz"]).await;
    assert_eq!(out.code, 0, "{}", out.stdout);
    out.expect("upstream", "warn", "/healthz: HTTP 503");
    assert_eq!(world.upstream.received().last().unwrap().uri, "/healthz");

    // Supabase: the anon key refused; then hanging past the timeout.
    let out = doctor(&with(
        &base,
        &[("SUPABASE_ANON_KEY", Some("not-the-project-key"))],
    ))
    .await;
    assert_eq!(out.code, 1);
    out.expect("supabase", "fail", "HTTP 401");
    world.supabase.set_mode(SupabaseMode::Hang);
    let started = std::time::Instant::now();
    let out = run(&base, &["doctor", "--timeout-ms", "500"]).await;
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.code, 1);
    out.expect("supabase", "fail", "no answer within 500 ms");
    world.supabase.set_mode(SupabaseMode::Normal);

    // Local mode reads the JWKS instead.
    let out = doctor(&with(&base, &[("SUPABASE_JWT_MODE", Some("local"))])).await;
    out.expect("supabase", "ok", "signing key(s)");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_google_failure_is_named() {
    let Some(world) = World::start().await else {
        return;
    };
    let base = world.production();

    // A corrupted version.
    world.google.add_corrupt_secret_version(
        PROJECT,
        "corrupt",
        world.google.service_account_json().as_bytes(),
        "12345",
    );
    let out = doctor(&with(&base, &[("GOOGLE_SECRET_NAME", Some("corrupt"))])).await;
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.expect("google_secret", "fail", "CRC32C");
    out.expect("google_key_age", "skip", "no service-account key");

    // Something that is not a service-account key.
    world
        .google
        .add_secret_version(PROJECT, "text", b"hunter2 is the password");
    let out = doctor(&with(&base, &[("GOOGLE_SECRET_NAME", Some("text"))])).await;
    assert_eq!(out.code, 1);
    out.expect("google_secret", "fail", "not a service-account key");
    assert!(!out.stdout.contains("hunter2"));

    // A secret that does not exist.
    let out = doctor(&with(&base, &[("GOOGLE_SECRET_NAME", Some("missing"))])).await;
    assert_eq!(out.code, 1);
    out.expect("google_secret", "fail", "gcloud secrets create missing");

    // Denied.
    world.google.add_secret_version(PROJECT, "denied", b"{}");
    world.google.deny_secret(PROJECT, "denied");
    let out = doctor(&with(&base, &[("GOOGLE_SECRET_NAME", Some("denied"))])).await;
    assert_eq!(out.code, 1);
    out.expect(
        "google_secret",
        "fail",
        "roles/secretmanager.secretAccessor",
    );

    // A key file that is not there.
    let out = doctor(&with(
        &base,
        &[(
            "GOOGLE_APPLICATION_CREDENTIALS",
            Some("/nonexistent/key.json"),
        )],
    ))
    .await;
    assert_eq!(out.code, 1);
    out.expect("google_secret", "fail", "cannot set up access");

    // Key age: close to the policy (warn), past it (fail), disabled (fail).
    let out = doctor(&with(&base, &[("KEY_MAX_AGE_DAYS", Some("20"))])).await;
    assert_eq!(out.code, 0, "{}", out.stdout);
    out.expect("google_key_age", "warn", "reached in 10 days");
    let out = doctor(&with(&base, &[("KEY_MAX_AGE_DAYS", Some("9"))])).await;
    assert_eq!(out.code, 1);
    out.expect("google_key_age", "fail", "older than KEY_MAX_AGE_DAYS=9");
    world
        .google
        .disable_service_account_key(FAKE_SERVICE_ACCOUNT, KEY_ID);
    let out = doctor(&base).await;
    assert_eq!(out.code, 1);
    out.expect("google_key_age", "fail", "disabled");
    // Without iam.serviceAccountKeys.get the age is unknown: a warning.
    world.google.deny_key_reads();
    let out = doctor(&base).await;
    assert_eq!(out.code, 0, "{}", out.stdout);
    out.expect("google_key_age", "warn", "roles/iam.serviceAccountViewer");

    // The key in the environment, in production: a warning; checked all
    // the same (CRC32C does not apply).
    let env = with(
        &base,
        &[
            ("GOOGLE_PROJECT_ID", None),
            (
                "GOOGLE_CREDENTIALS_JSON",
                Some(&world.google.service_account_json()),
            ),
        ],
    );
    let out = doctor(&env).await;
    out.expect("google_credentials", "warn", "GOOGLE_CREDENTIALS_JSON");
    out.expect("google_secret", "ok", FAKE_SERVICE_ACCOUNT);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_posture_gap_is_named() {
    // No network dependency configured: only the posture.
    let prod = |extra: &[(&'static str, &str)]| {
        let mut vars = vec![("APP_ENV", "production".to_owned())];
        vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        vars
    };

    // Production, not strict, nothing set.
    let out = doctor(&prod(&[])).await;
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.expect("mode", "warn", "without STRICT_SECURITY_MODE");
    out.expect(
        "strict_gaps",
        "warn",
        "API_KEY or SUPABASE_URL, OWNER_IDS, SUPABASE_WEBHOOK_SECRET",
    );
    out.expect("authentication", "fail", "unauthenticated");
    out.expect("webhooks", "fail", "supabase-auth, gdpr-erasure");
    out.expect("rate_limit_store", "warn", "memory only");
    for name in [
        "redis",
        "upstream",
        "supabase",
        "google_credentials",
        "google_secret",
        "google_key_age",
    ] {
        assert_eq!(out.check(name).0, "skip", "{name}");
    }

    // Strict: the gaps are why the server would refuse to start.
    let out = doctor(&prod(&[("STRICT_SECURITY_MODE", "1"), ("API_KEY", KEY)])).await;
    assert_eq!(out.code, 1);
    out.expect(
        "strict_gaps",
        "fail",
        "the server refuses to start: missing OWNER_IDS, SUPABASE_WEBHOOK_SECRET",
    );
    out.expect("authentication", "ok", "API key");

    // Trusting the whole Internet.
    for wide in ["0.0.0.0/0", "::/0", "10.0.0.0/8,0.0.0.0/1"] {
        let out = doctor(&prod(&[("TRUSTED_PROXIES", wide)])).await;
        out.expect("trusted_proxies", "fail", "wider than any private range");
    }
    let out = doctor(&prod(&[("TRUSTED_PROXIES", "203.0.113.0/24")])).await;
    out.expect(
        "trusted_proxies",
        "warn",
        "public ranges trusted: 203.0.113.0/24",
    );

    // Secrets as flags: visible in the process list.
    let out = run(
        &prod(&[]),
        &[
            "--api-key",
            KEY,
            "--founder-webhook-secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "doctor",
        ],
    )
    .await;
    out.expect(
        "secrets_in_flags",
        "fail",
        "API_KEY, FOUNDER_WEBHOOK_SECRET",
    );
    assert!(!out.stdout.contains(KEY));
    // The same variables from the environment are fine; in development a
    // flag is a warning.
    let out = doctor(&prod(&[("API_KEY", KEY)])).await;
    out.expect("secrets_in_flags", "ok", "no secret");
    let out = run(&[], &["--api-key", KEY, "doctor"]).await;
    assert_eq!(out.code, 0, "{}", out.stdout);
    out.expect("secrets_in_flags", "warn", "API_KEY");
    // A Google option may follow the subcommand (they are global).
    let out = run(&[], &["doctor", "--google-credentials-json", "{}"]).await;
    out.expect("secrets_in_flags", "warn", "GOOGLE_CREDENTIALS_JSON");
    out.expect("google_secret", "fail", "not a service-account key");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configuration_error_exits_2() {
    let vars = vec![
        ("OWNER_IDS", "12,abc".to_owned()),
        ("TRUSTED_PROXIES", "10.0.0.0/33".to_owned()),
        ("API_KEY", "tiny-key".to_owned()),
    ];
    let out = doctor(&vars).await;
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.starts_with("fail  configuration:"),
        "{}",
        out.stdout
    );
    for var in ["OWNER_IDS", "TRUSTED_PROXIES", "API_KEY"] {
        assert!(
            out.stdout.contains(var) && out.stderr.contains(var),
            "{var}"
        );
    }
    assert!(!out.stdout.contains("tiny-key"));
    let out = run(&vars, &["doctor", "--json"]).await;
    assert_eq!(out.code, 2);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["error"], "configuration");
    assert_eq!(json["problems"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn drive_sync_is_a_subcommand() {
    let google = FakeGoogle::start().await;
    google.add_file(
        "1Folder",
        "a.pdf",
        "application/pdf",
        FileContent::Bytes(bytes::Bytes::from_static(b"%PDF a")),
    );
    let dir = tempfile::tempdir().unwrap();
    let vars = vec![
        ("GOOGLE_CREDENTIALS_JSON", google.service_account_json()),
        ("DRIVE_FOLDER_ID", "1Folder".to_owned()),
        ("DRIVE_SYNC_DIR", dir.path().to_string_lossy().into_owned()),
        ("DRIVE_API_ROOT_URL", google.url()),
    ];
    let out = run(&vars, &["drive-sync", "--quiet"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("downloaded 1, unchanged 0, removed 0, failed 0"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"%PDF a");
    assert!(
        google
            .token_scopes()
            .iter()
            .all(|s| s == "https://www.googleapis.com/auth/drive.readonly")
    );
    let out = run(&vars, &["drive-sync", "--quiet"]).await;
    assert!(
        out.stdout.starts_with("downloaded 0, unchanged 1"),
        "{}",
        out.stdout
    );

    // No folder: a configuration error.
    let out = run(&vars[..1], &["drive-sync"]).await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("DRIVE_FOLDER_ID"), "{}", out.stderr);
    // A Drive root that would send the token in clear: refused.
    let out = run(
        &with(
            &vars,
            &[("DRIVE_API_ROOT_URL", Some("http://drive.example"))],
        ),
        &["drive-sync"],
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("DRIVE_API_ROOT_URL"), "{}", out.stderr);

    // Its help lists the Google variables.
    let out = run(&[], &["drive-sync", "--help"]).await;
    assert_eq!(out.code, 0);
    for var in [
        "GOOGLE_PROJECT_ID",
        "GOOGLE_CREDENTIALS_JSON",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "DRIVE_FOLDER_ID",
        "DRIVE_SYNC_DIR",
        "DRIVE_MAX_FILE_BYTES",
        "--keep-removed",
    ] {
        assert!(out.stdout.contains(var), "{var} not in drive-sync --help");
    }
}
