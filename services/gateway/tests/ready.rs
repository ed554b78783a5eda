//! Deployment behaviour of the real binary: `/health` is liveness and
//! `/ready` readiness; the gateway starts and serves while its Redis is
//! away (a real `redis-server` started after it), with traffic following
//! `RATE_LIMIT_ON_STORE_ERROR` meanwhile; `PORT` as Cloud Run sets it.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alphaguard_test_support::{FakeGoogle, RedisServer};

/// The binary, serving, with its address.
struct Gateway {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Gateway {
    /// Starts the binary with only `vars` (and JSON logs), waiting for its
    /// "listening" line.
    fn start(vars: &[(&str, String)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_alphaguard"));
        // No files left behind: the webhook inbox in memory (development).
        cmd.env_clear()
            .env("LOG_FORMAT", "json")
            .env("WEBHOOK_INBOX_URL", "memory:")
            // The tests poll /ready more often than a probe would.
            .env("RATE_LIMIT_PROBE_PER_MIN", "100000");
        if !vars.iter().any(|(k, _)| *k == "PORT") {
            cmd.env("BIND_ADDR", "127.0.0.1:0");
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the gateway exited before listening")
                .unwrap();
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            if value["fields"]["message"] == "alphaguard listening" {
                break value["fields"]["addr"].as_str().unwrap().parse().unwrap();
            }
        };
        // Keep draining its logs so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    /// `GET path` on loopback at the listening port: status and body.
    async fn get(&self, path: &str) -> (u16, String) {
        let url = format!("http://127.0.0.1:{}{path}", self.addr.port());
        let response = reqwest::Client::new()
            .get(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Polls `/ready` until it answers 503 waiting for exactly `names`
    /// (the first probe round may not have reached every dependency yet),
    /// for at most `within`; returns the body.
    async fn await_waiting_for(&self, names: &[&str], within: Duration) -> serde_json::Value {
        let deadline = Instant::now() + within;
        loop {
            let (got, body) = self.get("/ready").await;
            if got == 503 {
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                if json["waiting_for"] == serde_json::json!(names) {
                    return json;
                }
            }
            assert!(
                Instant::now() < deadline,
                "/ready still {got} ({body}), wanted 503 waiting for {names:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls `/ready` until it answers `status`, for at most `within`.
    async fn await_ready(&self, status: u16, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let (got, body) = self.get("/ready").await;
            if got == status {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "/ready still {got} ({body}), wanted {status}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn alive_before_redis_ready_after_it_and_limits_follow_the_policy() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    redis.stop();
    for (policy, while_down) in [("closed", 429), ("open", 200)] {
        let gw = Gateway::start(&[
            ("RATE_LIMIT_REDIS_URL", redis.url()),
            ("RATE_LIMIT_ON_STORE_ERROR", policy.to_owned()),
        ]);
        // Alive, not ready: no crash loop.
        assert_eq!(
            gw.get("/health").await,
            (200, r#"{"status":"ok"}"#.to_owned())
        );
        let json = gw
            .await_waiting_for(&["redis"], Duration::from_secs(5))
            .await;
        assert_eq!(json["error"], "not ready");
        assert!(json["request_id"].is_string());
        // Counted traffic follows RATE_LIMIT_ON_STORE_ERROR meanwhile.
        assert_eq!(gw.get("/api/me").await.0, while_down, "{policy}");

        // Redis comes: ready, and counted in Redis.
        redis.restart();
        assert_eq!(
            gw.await_ready(200, Duration::from_secs(10)).await,
            r#"{"status":"ready"}"#
        );
        assert_eq!(gw.get("/api/me").await.0, 200);
        let keys = redis.command(&["KEYS", "alphaguard:rl:read:*"]);
        assert!(keys.contains("alphaguard:rl:read:"), "{keys}");

        // And goes: not ready again, still alive.
        redis.stop();
        gw.await_ready(503, Duration::from_secs(10)).await;
        assert_eq!(gw.get("/health").await.0, 200);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redis_inbox_away_at_start_is_waited_for_and_nothing_is_acknowledged_meanwhile() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    redis.stop();
    // Limiter and inbox on the same Redis, as replicas run them.
    let gw = Gateway::start(&[
        ("RATE_LIMIT_REDIS_URL", redis.url()),
        ("RATE_LIMIT_ON_STORE_ERROR", "open".to_owned()),
        ("WEBHOOK_INBOX_URL", redis.url()),
    ]);
    assert_eq!(gw.get("/health").await.0, 200);
    gw.await_waiting_for(&["redis", "webhook_inbox"], Duration::from_secs(5))
        .await;
    // No secret in development: accepted unverified, but only once stored.
    let post = |gw: &Gateway| {
        let url = format!("http://127.0.0.1:{}/webhooks/founder", gw.addr.port());
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .body(r#"{"n":1}"#)
                .timeout(Duration::from_secs(10))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    let (status, body) = post(&gw).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("request_id"), "{body}");

    redis.restart();
    gw.await_ready(200, Duration::from_secs(10)).await;
    assert_eq!(post(&gw).await.0, 202);
    // The stream and its consumer group were made on first contact.
    let groups = redis.command(&["XINFO", "GROUPS", "{alphaguard-inbox}:stream"]);
    assert!(groups.contains("alphaguard"), "{groups}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ready_waits_for_the_google_credentials() {
    let google = FakeGoogle::start().await;
    let mut key_file = tempfile::NamedTempFile::new().unwrap();
    key_file
        .write_all(google.service_account_json().as_bytes())
        .unwrap();
    let gw = Gateway::start(&[
        ("GOOGLE_PROJECT_ID", "fake-project".to_owned()),
        ("SECRET_MANAGER_ENDPOINT", google.url()),
        (
            "GOOGLE_APPLICATION_CREDENTIALS",
            key_file.path().to_string_lossy().into_owned(),
        ),
        ("GOOGLE_SECRET_RETRY_DEADLINE_SECS", "0".to_owned()),
    ]);
    // The secret does not exist yet.
    gw.await_waiting_for(&["google_credentials"], Duration::from_secs(5))
        .await;
    assert_eq!(gw.get("/health").await.0, 200);
    google.add_secret_version(
        "fake-project",
        "alphapy-google-credentials",
        google.service_account_json().as_bytes(),
    );
    gw.await_ready(200, Duration::from_secs(10)).await;

    // Nothing configured: nothing to wait for.
    let plain = Gateway::start(&[]);
    assert_eq!(
        plain.await_ready(200, Duration::from_secs(5)).await,
        r#"{"status":"ready"}"#
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn port_listens_on_every_interface() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gw = Gateway::start(&[("PORT", port.to_string())]);
    assert_eq!(gw.addr, SocketAddr::from(([0, 0, 0, 0], port)));
    assert_eq!(gw.get("/health").await.0, 200);
}
