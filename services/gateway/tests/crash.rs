//! Crash tests with real processes: the `alphaguard` binary is killed with
//! SIGKILL after acknowledging deliveries, restarted, and every delivery
//! must still reach a loopback upstream.
//!
//! - SQLite: 100 deliveries acknowledged with the upstream down, `kill -9`,
//!   restart, upstream up: all 100 arrive, none twice (by id), in order
//!   per webhook.
//! - Redis: two gateways on one real `redis-server`, one killed while it
//!   is delivering: all 100 arrive; only what the dead one had in flight
//!   may arrive twice (at least once; the upstream dedupes by
//!   `Idempotency-Key`), taken over after the visibility timeout. No order
//!   holds across replicas.
//! - An upstream down past the retry budget: dead letters, which an owner
//!   redelivers through the admin route once it is back.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use alphaguard_test_support::{FakeSupabase, FakeUser, RecordingUpstream, RedisServer, unix_now};
use alphaguard_webhook_hmac::Secret;
use alphaguard_webhook_hmac::standard::sign_headers;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OWNER: u64 = 123_456_789_012_345_678;

struct Gateway {
    child: Child,
    addr: String,
}

impl Gateway {
    // The child moves into `Gateway`, whose `Drop` kills and waits for it;
    // clippy cannot follow the move.
    #[allow(clippy::zombie_processes)]
    fn spawn(vars: &[(&str, &str)], log: &Path) -> Self {
        let file = File::create(log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_alphaguard"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("ACCESS_LOG", "off")
            .env("RATE_LIMIT_WEBHOOK_PER_MIN", "100000")
            .env("RATE_LIMIT_READ_PER_MIN", "100000")
            .env("RATE_LIMIT_WRITE_PER_MIN", "100000")
            .envs(vars.iter().copied())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(line) = text.lines().find(|l| l.contains("alphaguard listening"))
                && let Some(addr) = line.split("addr=").nth(1)
            {
                return Self {
                    child,
                    addr: addr.trim().to_owned(),
                };
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("gateway did not start:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_addr() -> SocketAddr {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

async fn deliver(client: &reqwest::Client, gw: &Gateway, hook: &str, id: &str) -> u16 {
    let secret = Secret::parse(SECRET).unwrap();
    let body = format!(r#"{{"event":"{id}"}}"#);
    let headers = sign_headers(&secret, id, unix_now(), body.as_bytes()).unwrap();
    let mut request = client
        .post(gw.url(&format!("/webhooks/{hook}")))
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in &headers {
        request = request.header(k, v);
    }
    request.send().await.unwrap().status().as_u16()
}

/// The 100 deliveries: 50 each to two webhooks, interleaved.
fn hundred() -> Vec<(&'static str, String)> {
    (0..100)
        .map(|i| {
            if i % 2 == 0 {
                ("founder", format!("f-{i:03}"))
            } else {
                ("legal-update", format!("l-{i:03}"))
            }
        })
        .collect()
}

/// Idempotency keys the upstream received, by webhook path, in order.
fn received_by_webhook(upstream: &RecordingUpstream) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in upstream.received() {
        let key = r.headers["idempotency-key"].to_str().unwrap().to_owned();
        out.entry(r.uri.clone()).or_default().push(key);
    }
    out
}

async fn wait_for(what: &str, limit: Duration, check: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_kill_9_after_100_acks_loses_nothing_and_keeps_order() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = format!("sqlite:{}", dir.path().join("data/inbox.sqlite3").display());
    // Nothing listens here yet: the upstream is down.
    let up_addr = free_addr();
    let up_url = format!("http://{up_addr}");
    let vars = [
        ("WEBHOOK_INBOX_URL", inbox.as_str()),
        ("UPSTREAM_URL", up_url.as_str()),
        ("FOUNDER_WEBHOOK_SECRET", SECRET),
        ("LEGAL_UPDATE_WEBHOOK_SECRET", SECRET),
        ("WEBHOOK_RETRY_MIN_MS", "50"),
        ("WEBHOOK_RETRY_MAX_MS", "200"),
        ("WEBHOOK_DELIVERY_MAX_ATTEMPTS", "100"),
    ];
    let client = reqwest::Client::new();
    let gw = Gateway::spawn(&vars, &dir.path().join("first.log"));
    for (hook, id) in hundred() {
        assert_eq!(deliver(&client, &gw, hook, &id).await, 202, "{id}");
    }
    // Acknowledged, undelivered: kill it.
    gw.kill_9();

    let upstream = RecordingUpstream::start_on(up_addr).await;
    assert!(upstream.received().is_empty());
    let gw = Gateway::spawn(&vars, &dir.path().join("second.log"));
    wait_for("100 deliveries", Duration::from_secs(60), || {
        upstream.received().len() >= 100
    })
    .await;
    // Anything sent twice would show up by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = received_by_webhook(&upstream);
    let expected = |prefix: &str| -> Vec<String> {
        hundred()
            .into_iter()
            .map(|(_, id)| id)
            .filter(|id| id.starts_with(prefix))
            .collect()
    };
    assert_eq!(upstream.received().len(), 100, "some id arrived twice");
    assert_eq!(got["/webhooks/founder"], expected("f-"), "founder order");
    assert_eq!(
        got["/webhooks/legal-update"],
        expected("l-"),
        "legal-update order"
    );
    // A repeat after the restart is still a duplicate.
    assert_eq!(deliver(&client, &gw, "founder", "f-000").await, 200);
    drop(gw);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_two_gateways_one_killed_mid_delivery_loses_nothing() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let upstream = RecordingUpstream::start().await;
    // Slow enough that each gateway is holding deliveries when A dies.
    upstream.delay(Duration::from_millis(150));
    let (redis_url, up_url) = (redis.url(), upstream.url());
    let vars = [
        ("WEBHOOK_INBOX_URL", redis_url.as_str()),
        ("WEBHOOK_INBOX_VISIBILITY_SECS", "5"),
        ("WEBHOOK_DELIVERY_CONCURRENCY", "4"),
        ("UPSTREAM_URL", up_url.as_str()),
        ("FOUNDER_WEBHOOK_SECRET", SECRET),
        ("LEGAL_UPDATE_WEBHOOK_SECRET", SECRET),
    ];
    let a = Gateway::spawn(&vars, &dir.path().join("a.log"));
    let b = Gateway::spawn(&vars, &dir.path().join("b.log"));
    let client = reqwest::Client::new();
    for (n, (hook, id)) in hundred().into_iter().enumerate() {
        let gw = if n % 2 == 0 { &a } else { &b };
        assert_eq!(deliver(&client, gw, hook, &id).await, 202, "{id}");
    }
    // A repeat through the other replica is a duplicate.
    assert_eq!(deliver(&client, &b, "founder", "f-000").await, 200);
    wait_for("deliveries under way", Duration::from_secs(30), || {
        upstream.received().len() >= 10
    })
    .await;
    let before_kill = upstream.received().len();
    assert!(before_kill < 100, "all delivered before the kill");
    a.kill_9();
    wait_for("all 100 ids", Duration::from_secs(60), || {
        let mut ids: Vec<String> = upstream
            .received()
            .iter()
            .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids.len() == 100
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in upstream.received() {
        *counts
            .entry(r.headers["idempotency-key"].to_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let twice: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| k)
        .collect();
    // At least once: only what A held when it died (at most its
    // concurrency) may have reached the upstream twice.
    assert!(twice.len() <= 4, "{twice:?}");
    assert!(counts.values().all(|n| *n <= 2), "{counts:?}");
    let log_b = std::fs::read_to_string(dir.path().join("b.log")).unwrap();
    eprintln!(
        "redis crash test: {before_kill} received before the kill, {} sent twice (A's in-flight), B took over: {}",
        twice.len(),
        log_b.contains("took over deliveries")
    );
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_retry_budget_dead_letters_wait_for_an_owner() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeSupabase::start().await;
    let owner = fake.sign_in(&FakeUser::discord("u-owner", "o@example.com", OWNER));
    let inbox = format!("sqlite:{}", dir.path().join("inbox.sqlite3").display());
    let up_addr = free_addr();
    let up_url = format!("http://{up_addr}");
    let (sb_url, anon, owners) = (fake.url(), fake.anon_key(), OWNER.to_string());
    let vars = [
        ("WEBHOOK_INBOX_URL", inbox.as_str()),
        ("UPSTREAM_URL", up_url.as_str()),
        ("FOUNDER_WEBHOOK_SECRET", SECRET),
        ("LEGAL_UPDATE_WEBHOOK_SECRET", SECRET),
        ("WEBHOOK_RETRY_MIN_MS", "20"),
        ("WEBHOOK_RETRY_MAX_MS", "50"),
        ("WEBHOOK_DELIVERY_MAX_ATTEMPTS", "3"),
        ("SUPABASE_URL", sb_url.as_str()),
        ("SUPABASE_ANON_KEY", anon.as_str()),
        ("OWNER_IDS", owners.as_str()),
    ];
    let gw = Gateway::spawn(&vars, &dir.path().join("gw.log"));
    let client = reqwest::Client::new();
    for (hook, id) in [("founder", "a"), ("founder", "b"), ("legal-update", "c")] {
        assert_eq!(deliver(&client, &gw, hook, id).await, 202);
    }
    let admin = |method: reqwest::Method, path: &str| {
        client
            .request(method, gw.url(path))
            .header("authorization", format!("Bearer {owner}"))
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let summary: serde_json::Value = admin(reqwest::Method::GET, "/api/admin/webhooks/inbox")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if summary["dead_letters"] == 3 {
            assert_eq!(summary["pending"], 0);
            break;
        }
        assert!(Instant::now() < deadline, "no dead letters: {summary}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let listed: serde_json::Value = admin(reqwest::Method::GET, "/api/admin/webhooks/dead-letters")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["dead_letters"][0]["attempts"], 3);
    assert_eq!(listed["dead_letters"][0]["last_error"], "connect");

    let upstream = RecordingUpstream::start_on(up_addr).await;
    let answer = admin(
        reqwest::Method::POST,
        "/api/admin/webhooks/dead-letters/redeliver-all",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    wait_for("redelivered", Duration::from_secs(30), || {
        upstream.received().len() >= 3
    })
    .await;
    let got = received_by_webhook(&upstream);
    assert_eq!(got["/webhooks/founder"], ["a", "b"]);
    assert_eq!(got["/webhooks/legal-update"], ["c"]);
    let log = std::fs::read_to_string(dir.path().join("gw.log")).unwrap();
    let audit = log
        .lines()
        .find(|l| l.contains("alphaguard::audit") && l.contains("admin_webhook_redeliver_all"))
        .unwrap_or_else(|| panic!("no audit line:\n{log}"));
    assert!(audit.contains(&OWNER.to_string()), "{audit}");
    assert!(
        audit.contains("AUDIT") && audit.contains("outcome=requeued"),
        "{audit}"
    );
    drop(gw);
}
