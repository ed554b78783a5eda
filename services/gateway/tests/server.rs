//! The gateway on real sockets: HTTP/1.1 and HTTP/2, slowloris and header
//! limits, the connection cap (the hostile clients are in `hostile.rs`), graceful shutdown, two replicas sharing one
//! real `redis-server`, and the `alphaguard` binary itself.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alphaguard_gateway::server::serve;
use alphaguard_gateway::{App, Settings};
use alphaguard_test_support::{RecordingUpstream, RedisServer, unix_now};
use alphaguard_webhook_hmac::Secret;
use alphaguard_webhook_hmac::standard::sign_headers;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const KEY: &str = "service-key-0123456789abcdef";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), self.done)
            .await
            .unwrap()
            .unwrap();
    }
}

async fn start(vars: &[(&str, &str)]) -> Running {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let settings = Settings::from_lookup(&move |n| map.get(n).cloned()).unwrap();
    let limits = settings.server.clone();
    let app = Arc::new(App::build(settings).await.unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(serve(listener, app, limits, async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        done,
    }
}

/// Reads whatever the server sends within `wait`, until it closes.
async fn read_for(stream: &mut TcpStream, wait: Duration) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (out, true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (out, false),
        }
    }
}

#[tokio::test]
async fn http1_and_http2_on_one_port() {
    let gw = start(&[]).await;
    let response = reqwest::get(gw.url("/health")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert!(response.headers().contains_key("x-request-id"));

    // HTTP/2 with prior knowledge: the preface and an empty SETTINGS frame
    // get the server's SETTINGS frame back.
    let mut stream = TcpStream::connect(gw.addr).await.unwrap();
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    let mut head = [0u8; 9];
    tokio::time::timeout(Duration::from_secs(2), stream.read_exact(&mut head))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(head[3], 0x4, "first frame is SETTINGS");
    drop(stream);
    gw.shutdown().await;
}

#[tokio::test]
async fn slow_and_oversized_heads_are_cut_off() {
    let gw = start(&[
        ("HEADER_READ_TIMEOUT_MS", "300"),
        ("MAX_HEADER_BYTES", "8192"),
    ])
    .await;

    // Slowloris: half a request head, then nothing.
    let mut slow = TcpStream::connect(gw.addr).await.unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: ")
        .await
        .unwrap();
    let started = Instant::now();
    let (answer, closed) = read_for(&mut slow, Duration::from_secs(3)).await;
    assert!(closed, "the connection stayed open");
    assert!(started.elapsed() < Duration::from_secs(2));
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );

    // A head over the limit.
    let mut big = TcpStream::connect(gw.addr).await.unwrap();
    let filler = "a".repeat(16 * 1024);
    big.write_all(format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {filler}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let (answer, _) = read_for(&mut big, Duration::from_secs(2)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    gw.shutdown().await;
}

#[tokio::test]
async fn at_the_cap_an_idle_keep_alive_connection_makes_room() {
    let gw = start(&[("MAX_CONNECTIONS", "1")]).await;
    let request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut first = TcpStream::connect(gw.addr).await.unwrap();
    first.write_all(request).await.unwrap();
    let mut buf = [0u8; 1024];
    let n = first.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));

    // The first connection is kept alive, idle: the second is served, and
    // the first is closed to make room.
    let mut second = TcpStream::connect(gw.addr).await.unwrap();
    second.write_all(request).await.unwrap();
    let n = tokio::time::timeout(Duration::from_secs(2), second.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let (rest, closed) = read_for(&mut first, Duration::from_secs(2)).await;
    assert!(closed && rest.is_empty(), "the idle connection stayed open");
    gw.shutdown().await;
}

#[tokio::test]
async fn shutdown_drains_in_flight_requests() {
    let upstream = RecordingUpstream::start().await;
    upstream.delay(Duration::from_millis(600));
    let url = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &url)]).await;
    let addr = gw.addr;
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .get(format!("http://{addr}/api/slow"))
            .header("x-api-key", KEY)
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    gw.shutdown().await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "did not wait"
    );
    assert_eq!(in_flight.await.unwrap().unwrap(), 200);
    // No longer accepting.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn two_replicas_share_one_budget_and_one_replay_memory() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let vars = [
        ("RATE_LIMIT_REDIS_URL", url.as_str()),
        ("RATE_LIMIT_WEBHOOK_PER_MIN", "4"),
        ("FOUNDER_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("UPSTREAM_URL", up.as_str()),
    ];
    let a = start(&vars).await;
    let b = start(&vars).await;
    let client = reqwest::Client::new();
    let secret = Secret::parse(WEBHOOK_SECRET).unwrap();
    let deliver = |gw: &Running, id: &str| {
        let headers = sign_headers(&secret, id, unix_now(), b"{}").unwrap();
        let mut request = client.post(gw.url("/webhooks/founder")).body("{}");
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        request.send()
    };
    // One delivery through A, its repeat through B: forwarded once.
    assert_eq!(deliver(&a, "evt_1").await.unwrap().status(), 200);
    let repeat = deliver(&b, "evt_1").await.unwrap();
    assert_eq!(repeat.status(), 200);
    assert_eq!(repeat.text().await.unwrap(), r#"{"status":"duplicate"}"#);
    assert_eq!(upstream.received().len(), 1);
    // Four deliveries per minute in all, whichever replica takes them.
    assert_eq!(deliver(&a, "evt_2").await.unwrap().status(), 200);
    assert_eq!(deliver(&b, "evt_3").await.unwrap().status(), 200);
    let limited = deliver(&a, "evt_4").await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(deliver(&b, "evt_5").await.unwrap().status(), 429);
    a.shutdown().await;
    b.shutdown().await;
}

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_alphaguard"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

#[test]
fn help_lists_every_variable_with_a_flag_and_no_values() {
    let out = binary()
        .arg("--help")
        .env("API_KEY", "a-very-secret-key-value")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for var in alphaguard_gateway::cli::Args::VARIABLES {
        let flag = format!("--{}", var.to_ascii_lowercase().replace('_', "-"));
        assert!(help.contains(&flag), "{flag} missing");
        assert!(help.contains(&format!("[env: {var}")), "{var} missing");
    }
    assert!(!help.contains("a-very-secret-key-value"));
}

#[test]
fn strict_production_refuses_to_start_listing_everything() {
    let out = binary()
        .env("APP_ENV", "production")
        .env("STRICT_SECURITY_MODE", "1")
        .env("BIND_ADDR", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for missing in [
        "API_KEY or SUPABASE_URL",
        "OWNER_IDS",
        "SUPABASE_WEBHOOK_SECRET",
        "PREMIUM_INVALIDATE_WEBHOOK_SECRET",
        "APP_REFLECTIONS_WEBHOOK_SECRET",
        "FOUNDER_WEBHOOK_SECRET",
        "LEGAL_UPDATE_WEBHOOK_SECRET",
    ] {
        assert!(err.contains(missing), "{missing} not in {err}");
    }
    assert_eq!(err.lines().count(), 1, "{err}");

    // Malformed values stop it too, all in one message, flags included.
    let out = binary()
        .args(["--owner-ids", "12,abc"])
        .env("TRUSTED_PROXIES", "not-a-cidr")
        .env("API_KEY", "tiny-k3y")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for var in ["OWNER_IDS", "TRUSTED_PROXIES", "API_KEY"] {
        assert!(err.contains(var), "{var} not in {err}");
    }
    assert!(!err.contains("tiny-k3y"), "{err}");
}

#[test]
fn starts_unauthenticated_with_a_warning_and_stops_on_sigterm() {
    let mut child = binary()
        .env("BIND_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let addr = loop {
        let line = lines.next().unwrap().unwrap();
        seen.push(line.clone());
        if let Some(rest) = line.split("addr=").nth(1) {
            break rest.trim().to_owned();
        }
    };
    assert!(
        seen.iter().any(|l| l.contains("UNAUTHENTICATED MODE")),
        "{seen:?}"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        reqwest::get(format!("http://{addr}/health"))
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
}

#[tokio::test]
async fn a_broken_body_is_a_400_with_the_request_id() {
    let gw = start(&[]).await;
    let mut stream = TcpStream::connect(gw.addr).await.unwrap();
    // A chunked body whose chunk size is not hex.
    stream
        .write_all(
            b"POST /webhooks/founder HTTP/1.1\r\nHost: x\r\nX-Request-ID: broken-1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        )
        .await
        .unwrap();
    let (answer, _) = read_for(&mut stream, Duration::from_secs(2)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("x-request-id: broken-1"), "{text}");
    assert!(
        text.ends_with(r#"{"error":"bad request","request_id":"broken-1"}"#),
        "{text}"
    );
    drop(stream);
    gw.shutdown().await;
}

#[test]
fn json_logs_are_one_object_per_line() {
    let mut child = binary()
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = 0;
    loop {
        let line = lines.next().unwrap().unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(value["level"].is_string(), "{line}");
        seen += 1;
        if value["fields"]["message"] == "alphaguard listening" {
            break;
        }
    }
    assert!(seen >= 2, "the warning and the listening line");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
