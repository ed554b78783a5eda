//! The access line, as the `alphaguard` binary writes it: one per request,
//! with the fields the README names, in both log formats; none with
//! `ACCESS_LOG=off`; and a path that spells a field cannot forge one.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const KEY: &str = "service-key-0123456789abcdef";

/// The binary, its log in a file; killed on drop.
struct Gateway {
    child: Child,
    addr: String,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(clippy::zombie_processes)] // `Drop` kills and waits for it.
fn start(vars: &[(&str, &str)], log: &Path) -> Gateway {
    let file = File::create(log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_alphaguard"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("API_KEY", KEY)
        .env("WEBHOOK_INBOX_URL", "memory:")
        .envs(vars.iter().copied())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();
    let mut gateway = Gateway {
        child,
        addr: String::new(),
    };
    let line = wait_for_line(log, |l| l.contains("alphaguard listening"));
    let addr = line
        .split("addr=")
        .nth(1)
        .map(|a| a.split_whitespace().next().unwrap_or(a).to_owned())
        .or_else(|| {
            let v: serde_json::Value = serde_json::from_str(&line).ok()?;
            v["fields"]["addr"].as_str().map(str::to_owned)
        })
        .unwrap();
    gateway.addr = addr;
    gateway
}

/// The first line of `log` that `matches`, within ten seconds.
fn wait_for_line(log: &Path, matches: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| matches(l)) {
            return line.to_owned();
        }
        assert!(Instant::now() < deadline, "no such line in:\n{text}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn get(gw: &Gateway, path: &str, id: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("http://{}{path}", gw.addr))
        .header("x-api-key", KEY)
        .header("x-request-id", id)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn one_json_line_per_request_with_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let gw = start(&[("LOG_FORMAT", "json")], &log);
    assert_eq!(get(&gw, "/api/me", "access-json-1").await, 200);
    let line = wait_for_line(&log, |l| {
        l.contains("alphaguard::access") && l.contains("access-json-1")
    });
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["level"], "INFO", "{line}");
    assert_eq!(v["target"], "alphaguard::access", "{line}");
    let f = &v["fields"];
    assert_eq!(f["message"], "access", "{line}");
    assert_eq!(f["request_id"], "access-json-1", "{line}");
    assert_eq!(f["client"], "127.0.0.1", "{line}");
    assert_eq!(f["method"], "GET", "{line}");
    assert_eq!(f["route"], "me", "{line}");
    assert_eq!(f["path"], "/api/me", "{line}");
    assert_eq!(f["status"], 200, "{line}");
    assert!(f["latency_us"].is_u64(), "{line}");
    assert_eq!(f["tier"], "read", "{line}");
    assert_eq!(f["auth"], "api_key", "{line}");
    // One line for the request, not more.
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.matches("access-json-1").count(), 1, "{text}");
}

#[tokio::test]
async fn text_lines_keep_hostile_values_inside_their_field() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let gw = start(&[("LOG_FORMAT", "text")], &log);
    // A path with an encoded space and quote: canonical, it keeps its
    // encoding; nothing in it can start a field of its own.
    let status = get(&gw, "/api/x%20status=200%22", "access-text-1").await;
    let line = wait_for_line(&log, |l| {
        l.contains("alphaguard::access") && l.contains("access-text-1")
    });
    for field in [
        "request_id=access-text-1",
        "client=127.0.0.1",
        "method=GET",
        "tier=read",
        "auth=api_key",
    ] {
        assert!(line.contains(field), "{field} missing: {line}");
    }
    assert!(
        line.contains(&format!(" status={status} ")),
        "status: {line}"
    );
    assert_eq!(line.matches(" status=").count(), 1, "{line}");
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn access_log_off_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let gw = start(&[("LOG_FORMAT", "json"), ("ACCESS_LOG", "off")], &log);
    assert_eq!(get(&gw, "/api/me", "access-off-1").await, 200);
    // A line the gateway writes after the request (a failed
    // authentication): the access line, had there been one, would be in
    // the file before it.
    let status = reqwest::get(format!("http://{}/api/me", gw.addr))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401);
    wait_for_line(&log, |l| l.contains("authentication failed"));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("alphaguard::access"), "{text}");
}

/// A client that hangs up before its answer (here while Supabase, which
/// never answers, is asked about its token) still leaves its access line,
/// with status 499, and on an owner route one `AUDIT` line, `abandoned`:
/// an outside review probed owner routes so and left no line at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_still_leaves_its_lines() {
    use std::io::Write as _;

    use alphaguard_test_support::{FakeSupabase, FakeUser, SupabaseMode};

    let supabase = FakeSupabase::start().await;
    let token = supabase.sign_in(&FakeUser::discord("u-1", "u@example.com", 42));
    supabase.set_mode(SupabaseMode::Hang);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let (url, anon) = (supabase.url(), supabase.anon_key());
    let gw = start(
        &[
            ("SUPABASE_URL", url.as_str()),
            ("SUPABASE_ANON_KEY", anon.as_str()),
            ("OWNER_IDS", "1234"),
            ("LOG_FORMAT", "text"),
        ],
        &log,
    );
    for (method, path, id) in [
        ("POST", "/api/admin/drive/sync", "hangup-owner"),
        ("GET", "/api/me", "hangup-me"),
    ] {
        let mut socket = std::net::TcpStream::connect(&gw.addr).unwrap();
        write!(
            socket,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             X-Request-ID: {id}\r\nContent-Length: 0\r\n\r\n"
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        drop(socket);
    }
    for id in ["hangup-owner", "hangup-me"] {
        let line = wait_for_line(&log, |l| l.contains("alphaguard::access") && l.contains(id));
        assert!(line.contains(" status=499 "), "{line}");
    }
    let audit = wait_for_line(&log, |l| l.contains("AUDIT") && l.contains("hangup-owner"));
    assert!(audit.contains("outcome=abandoned"), "{audit}");
    assert!(audit.contains("action=admin_drive_sync"), "{audit}");
    let text = std::fs::read_to_string(&log).unwrap();
    let audits = text.lines().filter(|l| l.contains("AUDIT"));
    assert_eq!(audits.count(), 1, "{text}");
    assert!(!text.contains(&token), "the token is never logged");
}
