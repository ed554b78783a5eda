//! Hostile clients against the `alphaguard` binary, on real sockets: silent
//! sockets, HTTP/2 prefaces and SETTINGS with nothing after them, heads and
//! bodies a byte at a time, a client that never reads its response, many
//! connections from one client, an HTTP/2 connection that opens and resets
//! streams in a loop, the HTTP/2 limits, and HTTP/1 heads sent early
//! (pipelined, behind a body, split across reads; with the reproductions of
//! an outside review at the end). Most tests check that `/health`
//! from a fresh client answers within a second while the attack runs, and
//! that the attack's sockets are closed within their deadline; each
//! deadline is short here (hundreds of milliseconds) and each test would
//! fail with its deadline or limit removed.
//!
//! The attacker connects from 127.0.0.9 and the fresh clients from
//! 127.0.0.1, so the per-client cap tells them apart.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alphaguard_test_support::RecordingUpstream;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

const KEY: &str = "service-key-0123456789abcdef";
const ATTACKER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));
const FRESH: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The binary, on a free loopback port; killed on drop.
struct Gateway {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(vars: &[(&str, &str)]) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_alphaguard"));
    command
        .env_clear()
        .current_dir(dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("ACCESS_LOG", "off")
        .env("RATE_LIMIT_PROBE_PER_MIN", "16777215")
        .env("RATE_LIMIT_WRITE_PER_MIN", "16777215")
        .env("RATE_LIMIT_READ_PER_MIN", "16777215")
        .env("RATE_LIMIT_WEBHOOK_PER_MIN", "16777215")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in vars {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the gateway exited").unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        if value["fields"]["message"] == "alphaguard listening" {
            break value["fields"]["addr"].as_str().unwrap().parse().unwrap();
        }
    };
    // Keep the pipe drained.
    std::thread::spawn(move || for _ in lines {});
    Gateway {
        child,
        addr,
        _dir: dir,
    }
}

/// A connection from `from`.
async fn connect(addr: SocketAddr, from: IpAddr) -> TcpStream {
    try_connect(addr, from).await.unwrap()
}

/// A connection from `from`; an error when the server reset it before the
/// connect was seen to complete (a refusal at accept can be that quick).
async fn try_connect(addr: SocketAddr, from: IpAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    let stream = socket.connect(addr).await?;
    // What a test writes goes out as it writes it.
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Opens `n` attack connections; those reset before the connect completed
/// count as closed at once.
async fn attack_sockets(addr: SocketAddr, n: usize) -> (Vec<TcpStream>, usize) {
    let mut sockets = Vec::new();
    let mut reset = 0;
    for _ in 0..n {
        match try_connect(addr, ATTACKER).await {
            Ok(s) => sockets.push(s),
            Err(_) => reset += 1,
        }
    }
    (sockets, reset)
}

/// `GET /health` from a fresh client on a fresh connection: 200 within a
/// second, or the test fails.
async fn health(addr: SocketAddr) {
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(1), async {
        let mut stream = connect(addr, FRESH).await;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        answer
    })
    .await
    .unwrap_or_else(|_| panic!("/health did not answer within a second"));
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "/health after {:?}: {text}",
        started.elapsed()
    );
}

/// Checks `/health` every 150 ms until `until`.
async fn health_during(addr: SocketAddr, until: Instant) {
    while Instant::now() < until {
        health(addr).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Reads and drops what arrives until the server closes; the time it took
/// from `since`, or `None` if still open after `limit`.
async fn closed_after(stream: &mut TcpStream, since: Instant, limit: Duration) -> Option<Duration> {
    let mut buf = vec![0u8; 64 * 1024];
    let deadline = since + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return Some(since.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
        }
    }
}

/// Waits for every socket to be closed; each closing time from `since`.
async fn all_closed(
    sockets: Vec<TcpStream>,
    since: Instant,
    limit: Duration,
) -> Vec<Option<Duration>> {
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|mut s| tokio::spawn(async move { closed_after(&mut s, since, limit).await }))
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

fn assert_closed_between(times: &[Option<Duration>], low: Duration, high: Duration) {
    for (i, t) in times.iter().enumerate() {
        let t = t.unwrap_or_else(|| panic!("attack socket {i} still open after {high:?}"));
        assert!(t >= low, "socket {i} closed early, after {t:?}");
        assert!(t <= high, "socket {i} closed late, after {t:?}");
    }
}

/// One value of `/metrics`, 0 when absent.
async fn metric(addr: SocketAddr, series: &str) -> f64 {
    let mut stream = connect(addr, FRESH).await;
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

// ---- HTTP/2 frames, by hand ----

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap();
    let mut out = len.to_be_bytes()[1..].to_vec();
    out.extend([kind, flags]);
    out.extend(stream.to_be_bytes());
    out.extend(payload);
    out
}

const DATA: u8 = 0;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const SETTINGS: u8 = 4;
const PING: u8 = 6;
const GOAWAY: u8 = 7;
const END_STREAM: u8 = 1;
const END_HEADERS: u8 = 4;

/// A request head in HPACK: static-table method and scheme, literal path
/// and authority.
fn head_block(method: &str, path: &str) -> Vec<u8> {
    let mut block = vec![
        match method {
            "GET" => 0x82,
            _ => 0x83,
        },
        0x86,
        0x04,
        u8::try_from(path.len()).unwrap(),
    ];
    block.extend(path.as_bytes());
    block.extend([0x01, 0x01, b'x']);
    block
}

/// Reads one frame: (type, flags, stream, payload); `None` once closed.
async fn read_frame(stream: &mut TcpStream) -> Option<(u8, u8, u32, Vec<u8>)> {
    let mut head = [0u8; 9];
    stream.read_exact(&mut head).await.ok()?;
    let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
    let id = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
    let mut payload = vec![0u8; len];
    stream.read_exact(&mut payload).await.ok()?;
    Some((head[3], head[4], id, payload))
}

/// An HTTP/2 connection past its preface and (empty) SETTINGS.
async fn h2_connect(addr: SocketAddr) -> TcpStream {
    let mut stream = connect(addr, ATTACKER).await;
    stream.write_all(PREFACE).await.unwrap();
    stream.write_all(&frame(SETTINGS, 0, 0, &[])).await.unwrap();
    stream
}

/// The server's first SETTINGS, as (id, value) pairs.
async fn server_settings(stream: &mut TcpStream) -> Vec<(u16, u32)> {
    loop {
        let (kind, flags, _, payload) =
            tokio::time::timeout(Duration::from_secs(2), read_frame(stream))
                .await
                .unwrap()
                .unwrap();
        if kind == SETTINGS && flags & 1 == 0 {
            return payload
                .chunks(6)
                .map(|c| {
                    (
                        u16::from_be_bytes([c[0], c[1]]),
                        u32::from_be_bytes([c[2], c[3], c[4], c[5]]),
                    )
                })
                .collect();
        }
    }
}

// ---- the attacks ----

#[tokio::test]
async fn silent_sockets_are_closed_at_the_header_deadline() {
    let gw = start(&[("HEADER_READ_TIMEOUT_MS", "600")]);
    let since = Instant::now();
    let mut sockets = Vec::new();
    for _ in 0..50 {
        sockets.push(connect(gw.addr, ATTACKER).await);
    }
    let watch = tokio::spawn(all_closed(sockets, since, Duration::from_secs(4)));
    health_during(gw.addr, since + Duration::from_millis(900)).await;
    let times = watch.await.unwrap();
    assert_closed_between(
        &times,
        Duration::from_millis(550),
        Duration::from_millis(2500),
    );
    assert!(
        metric(
            gw.addr,
            r#"alphaguard_connections_closed_total{reason="header_timeout"}"#
        )
        .await
            >= 50.0
    );
}

#[tokio::test]
async fn http2_prefaces_and_settings_alone_do_not_hold_a_connection() {
    let gw = start(&[("HEADER_READ_TIMEOUT_MS", "600")]);
    let since = Instant::now();
    let mut sockets = Vec::new();
    for i in 0..12 {
        let mut s = connect(gw.addr, ATTACKER).await;
        s.write_all(PREFACE).await.unwrap();
        if i % 2 == 1 {
            s.write_all(&frame(SETTINGS, 0, 0, &[])).await.unwrap();
        }
        sockets.push(s);
    }
    // And one that keeps talking: SETTINGS, then a PING every 100 ms, but
    // never a request.
    let pinger = {
        let addr = gw.addr;
        tokio::spawn(async move {
            let mut s = h2_connect(addr).await;
            let opened = Instant::now();
            loop {
                if s.write_all(&frame(PING, 0, 0, &[0; 8])).await.is_err() {
                    return opened.elapsed();
                }
                let mut buf = [0u8; 1024];
                if let Ok(Ok(0) | Err(_)) =
                    tokio::time::timeout(Duration::from_millis(100), s.read(&mut buf)).await
                {
                    return opened.elapsed();
                }
                if opened.elapsed() > Duration::from_secs(4) {
                    return opened.elapsed();
                }
            }
        })
    };
    let watch = tokio::spawn(all_closed(sockets, since, Duration::from_secs(4)));
    health_during(gw.addr, since + Duration::from_millis(900)).await;
    assert_closed_between(
        &watch.await.unwrap(),
        Duration::from_millis(550),
        Duration::from_millis(2500),
    );
    let pinged = pinger.await.unwrap();
    assert!(
        pinged < Duration::from_millis(2500),
        "a pinging connection stayed {pinged:?}"
    );
}

#[tokio::test]
async fn twelve_silent_or_preface_sockets_do_not_stop_health_with_eight_connections() {
    let gw = start(&[("MAX_CONNECTIONS", "8"), ("HEADER_READ_TIMEOUT_MS", "600")]);
    let since = Instant::now();
    let mut sockets = Vec::new();
    let mut reset = 0;
    for i in 0..12 {
        let Ok(mut s) = try_connect(gw.addr, ATTACKER).await else {
            reset += 1;
            continue;
        };
        if i % 2 == 1 {
            // May fail: a refused connection is reset.
            let _ = s.write_all(PREFACE).await;
        }
        sockets.push(s);
    }
    let watch = tokio::spawn(all_closed(sockets, since, Duration::from_secs(4)));
    // Once the header deadline has passed, /health answers.
    tokio::time::sleep_until((since + Duration::from_millis(600)).into()).await;
    let mut answered = None;
    for _ in 0..20 {
        let attempt = tokio::time::timeout(Duration::from_secs(1), async {
            // Refused (reset) while the slots are still held: try again.
            let mut stream = try_connect(gw.addr, FRESH).await.ok()?;
            stream
                .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .ok()?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.ok()?;
            answer.starts_with(b"HTTP/1.1 200").then_some(())
        })
        .await;
        if let Ok(Some(())) = attempt {
            answered = Some(since.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answered = answered.expect("/health never answered");
    assert!(
        answered < Duration::from_millis(2500),
        "/health answered only after {answered:?}"
    );
    health(gw.addr).await;
    // Eight were held until the deadline, four closed at accept.
    let times = watch.await.unwrap();
    let early = reset
        + times
            .iter()
            .filter(|t| t.is_some_and(|t| t < Duration::from_millis(300)))
            .count();
    assert_eq!(early, 4, "{times:?}");
    assert_closed_between(&times, Duration::ZERO, Duration::from_millis(2500));
    assert!(
        metric(
            gw.addr,
            r#"alphaguard_connections_refused_total{reason="max_connections"}"#
        )
        .await
            >= 4.0
    );
}

#[tokio::test]
async fn heads_a_byte_at_a_time_are_cut_off_at_the_header_deadline() {
    let gw = start(&[
        ("HEADER_READ_TIMEOUT_MS", "600"),
        ("IDLE_TIMEOUT_MS", "10000"),
    ]);
    let head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let trickle = |mut s: TcpStream, since: Instant| async move {
        for b in head {
            if s.write_all(&[*b]).await.is_err() {
                return Some(since.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The whole head took longer than the deadline: it must be closed.
        closed_after(&mut s, since, Duration::from_secs(1)).await
    };
    // A first request, and the second on a kept-alive connection.
    let first = connect(gw.addr, ATTACKER).await;
    let since_first = Instant::now();
    let first = tokio::spawn(trickle(first, since_first));
    let mut second = connect(gw.addr, ATTACKER).await;
    second
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = second.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let since_second = Instant::now();
    let second = tokio::spawn(trickle(second, since_second));
    health_during(gw.addr, since_first + Duration::from_millis(900)).await;
    for (name, task) in [("first", first), ("second", second)] {
        let closed = task
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{name} head never cut off"));
        assert!(
            closed >= Duration::from_millis(550) && closed < Duration::from_millis(2500),
            "{name} head cut off after {closed:?}"
        );
    }
}

/// POSTs `path` with a 100-byte body sent a byte every 50 ms; the answer
/// and how long it took.
async fn trickle_body(addr: SocketAddr, path: &str, extra: &str) -> (String, Duration, bool) {
    let mut s = connect(addr, ATTACKER).await;
    let since = Instant::now();
    s.write_all(
        format!("POST {path} HTTP/1.1\r\nHost: x\r\nX-Request-ID: slow-body-1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n{extra}\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let (mut read, mut write) = s.into_split();
    let writer = tokio::spawn(async move {
        for _ in 0..100 {
            if write.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(4), read.read_to_end(&mut answer))
        .await
        .is_ok();
    let elapsed = since.elapsed();
    writer.abort();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        elapsed,
        closed,
    )
}

#[tokio::test]
async fn bodies_a_byte_at_a_time_get_408_and_the_connection_closes() {
    let upstream = RecordingUpstream::start().await;
    let url = upstream.url();
    let gw = start(&[
        ("BODY_READ_TIMEOUT_MS", "600"),
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &url),
    ]);
    let addr = gw.addr;
    let webhook = tokio::spawn(async move { trickle_body(addr, "/webhooks/founder", "").await });
    let api = tokio::spawn(async move {
        trickle_body(addr, "/api/items", &format!("X-Api-Key: {KEY}\r\n")).await
    });
    health_during(addr, Instant::now() + Duration::from_millis(900)).await;
    for (name, task) in [("webhook", webhook), ("api", api)] {
        let (answer, elapsed, closed) = task.await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{name}: {answer}");
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "{name}: {answer}"
        );
        assert!(
            answer.ends_with(r#"{"error":"request timeout","request_id":"slow-body-1"}"#),
            "{name}: {answer}"
        );
        assert!(closed, "{name}: the connection stayed open");
        assert!(
            elapsed >= Duration::from_millis(550) && elapsed < Duration::from_millis(2500),
            "{name}: answered after {elapsed:?}"
        );
    }
    assert!(
        upstream.received().iter().all(|r| r.body.len() < 100),
        "a late body reached the upstream whole"
    );
}

#[tokio::test]
async fn a_client_that_never_reads_is_dropped_at_the_write_deadline() {
    let upstream = RecordingUpstream::start().await;
    let big = "x".repeat(32 * 1024 * 1024);
    upstream.respond(200, &big);
    let url = upstream.url();
    let gw = start(&[
        ("WRITE_TIMEOUT_MS", "600"),
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &url),
        ("UPSTREAM_TIMEOUT_MS", "30000"),
    ]);
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.bind(SocketAddr::new(ATTACKER, 0)).unwrap();
    let mut s = socket.connect(gw.addr).await.unwrap();
    s.write_all(format!("GET /api/big HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    // Never read while the deadline runs out...
    health_during(gw.addr, Instant::now() + Duration::from_millis(2000)).await;
    // ... then read what is left: the connection ends short of the body.
    let mut got = 0usize;
    let mut buf = vec![0u8; 256 * 1024];
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got += n,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the connection was not dropped");
    assert!(
        got < big.len(),
        "the whole response was delivered ({got} bytes)"
    );
    assert!(
        metric(
            gw.addr,
            r#"alphaguard_connections_closed_total{reason="write_timeout"}"#
        )
        .await
            >= 1.0
    );
}

#[tokio::test]
async fn one_client_gets_its_share_of_connections() {
    let gw = start(&[
        ("MAX_CONNECTIONS_PER_CLIENT", "5"),
        ("HEADER_READ_TIMEOUT_MS", "3000"),
    ]);
    let since = Instant::now();
    let (sockets, reset) = attack_sockets(gw.addr, 20).await;
    let watch = tokio::spawn(all_closed(sockets, since, Duration::from_millis(1500)));
    health_during(gw.addr, since + Duration::from_millis(600)).await;
    // Another client is not held back either.
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10));
    let mut s = connect(gw.addr, other).await;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    let times = watch.await.unwrap();
    let refused = reset
        + times
            .iter()
            .filter(|t| t.is_some_and(|t| t < Duration::from_millis(500)))
            .count();
    let held = times.iter().filter(|t| t.is_none()).count();
    assert_eq!((refused, held), (15, 5), "{times:?}");
    assert_eq!(
        metric(
            gw.addr,
            r#"alphaguard_connections_refused_total{reason="max_connections_per_client"}"#
        )
        .await,
        15.0
    );
}

/// hyper closes an HTTP/1 connection whose next head has not come in 30 s
/// (its own header timeout, on by default once a timer is set), counted
/// from the end of the last response: that would override
/// `IDLE_TIMEOUT_MS` for every keep-alive connection.
#[tokio::test]
async fn a_keep_alive_connection_lives_until_the_idle_deadline_past_30_seconds() {
    let gw = start(&[("IDLE_TIMEOUT_MS", "45000")]);
    let mut h1 = connect(gw.addr, ATTACKER).await;
    let mut buf = [0u8; 1024];
    for wait in [Duration::ZERO, Duration::from_secs(32)] {
        tokio::time::sleep(wait).await;
        h1.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let n = tokio::time::timeout(Duration::from_secs(5), h1.read(&mut buf))
            .await
            .expect("no answer")
            .unwrap();
        assert!(
            buf[..n].starts_with(b"HTTP/1.1 200"),
            "after {wait:?} idle: {:?}",
            String::from_utf8_lossy(&buf[..n])
        );
    }
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_at_the_idle_deadline() {
    let gw = start(&[
        ("IDLE_TIMEOUT_MS", "700"),
        ("HEADER_READ_TIMEOUT_MS", "5000"),
    ]);
    // HTTP/1.1 keep-alive.
    let mut h1 = connect(gw.addr, ATTACKER).await;
    h1.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = h1.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let h1_since = Instant::now();
    // HTTP/2: one request, then nothing (PINGs answered).
    let mut h2 = h2_connect(gw.addr).await;
    h2.write_all(&frame(
        HEADERS,
        END_STREAM | END_HEADERS,
        1,
        &head_block("GET", "/health"),
    ))
    .await
    .unwrap();
    let h2_task = tokio::spawn(async move {
        let mut since = None;
        let mut goaway = false;
        let limit = Instant::now() + Duration::from_secs(4);
        loop {
            let left = limit.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, read_frame(&mut h2)).await {
                Ok(Some((PING, flags, _, payload))) if flags & 1 == 0 => {
                    let _ = h2.write_all(&frame(PING, 1, 0, &payload)).await;
                }
                Ok(Some((DATA | HEADERS, flags, 1, _))) if flags & END_STREAM != 0 => {
                    since = Some(Instant::now());
                }
                Ok(Some((GOAWAY, ..))) => goaway = true,
                Ok(Some(_)) => {}
                Ok(None) => return (since.map(|s| s.elapsed()), goaway),
                Err(_) => return (None, goaway),
            }
        }
    });
    let h1_closed =
        tokio::spawn(async move { closed_after(&mut h1, h1_since, Duration::from_secs(4)).await });
    health_during(gw.addr, Instant::now() + Duration::from_millis(900)).await;
    let h1_closed = h1_closed
        .await
        .unwrap()
        .expect("HTTP/1 idle connection stayed open");
    assert!(
        h1_closed >= Duration::from_millis(650) && h1_closed < Duration::from_millis(2500),
        "HTTP/1 idle connection closed after {h1_closed:?}"
    );
    let (h2_closed, goaway) = h2_task.await.unwrap();
    let h2_closed = h2_closed.expect("HTTP/2 idle connection stayed open (or never answered)");
    assert!(goaway, "no GOAWAY before the close");
    assert!(
        h2_closed >= Duration::from_millis(650) && h2_closed < Duration::from_millis(2500),
        "HTTP/2 idle connection closed after {h2_closed:?}"
    );
}

#[tokio::test]
async fn an_http2_client_that_stops_answering_pings_is_dropped() {
    let gw = start(&[
        ("HTTP2_KEEPALIVE_INTERVAL_MS", "300"),
        ("HTTP2_KEEPALIVE_TIMEOUT_MS", "300"),
        ("BODY_READ_TIMEOUT_MS", "10000"),
        ("IDLE_TIMEOUT_MS", "10000"),
    ]);
    // A request in flight (its body never comes), and the client never
    // reads again: no PING is answered.
    let mut s = h2_connect(gw.addr).await;
    s.write_all(&frame(
        HEADERS,
        END_HEADERS,
        1,
        &head_block("POST", "/webhooks/founder"),
    ))
    .await
    .unwrap();
    let since = Instant::now();
    tokio::time::sleep(Duration::from_millis(100)).await;
    health_during(gw.addr, since + Duration::from_millis(900)).await;
    // Whatever was sent before the close is in the buffer; then the end.
    let closed = closed_after(&mut s, since, Duration::from_secs(4))
        .await
        .expect("a dead HTTP/2 peer was kept");
    assert!(
        closed < Duration::from_millis(3000),
        "dropped after {closed:?}"
    );
}

#[tokio::test]
async fn an_http2_connection_resetting_streams_in_a_loop_is_closed() {
    let gw = start(&[
        ("HTTP2_MAX_RESETS", "30"),
        ("BODY_READ_TIMEOUT_MS", "10000"),
    ]);
    let mut s = h2_connect(gw.addr).await;
    let (mut read, mut write) = s.split();
    let since = Instant::now();
    let reader = async {
        let mut goaway = false;
        let mut frame_head = [0u8; 9];
        loop {
            match tokio::time::timeout(Duration::from_secs(5), read.read_exact(&mut frame_head))
                .await
            {
                Ok(Ok(_)) => {
                    let len = u32::from_be_bytes([0, frame_head[0], frame_head[1], frame_head[2]])
                        as usize;
                    let mut payload = vec![0u8; len];
                    if read.read_exact(&mut payload).await.is_err() {
                        return (goaway, since.elapsed());
                    }
                    if frame_head[3] == GOAWAY {
                        goaway = true;
                    }
                }
                _ => return (goaway, since.elapsed()),
            }
        }
    };
    let writer = async {
        let mut sent = 0u32;
        for i in 0..300u32 {
            let id = 2 * i + 1;
            let headers = frame(
                HEADERS,
                END_HEADERS,
                id,
                &head_block("POST", "/webhooks/founder"),
            );
            if write.write_all(&headers).await.is_err() {
                break;
            }
            // Long enough for the server to take the stream, as a real
            // client's reset comes after the request is in.
            tokio::time::sleep(Duration::from_millis(5)).await;
            if write
                .write_all(&frame(RST_STREAM, 0, id, &8u32.to_be_bytes()))
                .await
                .is_err()
            {
                break;
            }
            sent += 1;
        }
        sent
    };
    let checker = health_during(gw.addr, since + Duration::from_millis(900));
    let ((goaway, closed), sent, ()) = tokio::join!(reader, writer, checker);
    assert!(goaway, "no GOAWAY");
    assert!(closed < Duration::from_secs(4), "closed after {closed:?}");
    assert!(sent < 300, "every reset was taken");
    assert!(
        metric(
            gw.addr,
            r#"alphaguard_connections_closed_total{reason="http2_resets"}"#
        )
        .await
            >= 1.0
    );
    drop(s);
}

#[tokio::test]
async fn http2_limits_are_stated_and_enforced() {
    let gw = start(&[
        ("HTTP2_MAX_CONCURRENT_STREAMS", "3"),
        ("HTTP2_MAX_FRAME_SIZE", "20000"),
        ("MAX_HEADER_BYTES", "9000"),
        ("BODY_READ_TIMEOUT_MS", "10000"),
    ]);
    let mut s = h2_connect(gw.addr).await;
    let settings = server_settings(&mut s).await;
    // MAX_CONCURRENT_STREAMS (3), MAX_FRAME_SIZE (5), MAX_HEADER_LIST_SIZE (6).
    assert!(settings.contains(&(3, 3)), "{settings:?}");
    assert!(settings.contains(&(5, 20000)), "{settings:?}");
    assert!(settings.contains(&(6, 9000)), "{settings:?}");

    // A fourth stream open at once is refused.
    for id in [1u32, 3, 5, 7] {
        s.write_all(&frame(
            HEADERS,
            END_HEADERS,
            id,
            &head_block("POST", "/webhooks/founder"),
        ))
        .await
        .unwrap();
    }
    let refused = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            let (kind, _, id, payload) = read_frame(&mut s).await.unwrap();
            if kind == RST_STREAM {
                return (
                    id,
                    u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]]),
                );
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(refused, (7, 7), "REFUSED_STREAM on the fourth stream");
    health(gw.addr).await;

    // A head over the header list size is refused on its stream (431 or a
    // reset), and the connection goes on.
    let mut big = head_block("GET", "/health");
    big.extend([0x00, 5]);
    big.extend(b"x-big");
    // 10000 as an HPACK integer with a 7-bit prefix: 127, then 9873.
    big.extend([0x7f, 0x91, 0x4d]);
    big.extend(std::iter::repeat_n(b'a', 10_000));
    s.write_all(&frame(HEADERS, END_STREAM | END_HEADERS, 9, &big))
        .await
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            let (kind, _, id, payload) = read_frame(&mut s).await.unwrap();
            if id == 9 && (kind == RST_STREAM || kind == HEADERS) {
                return (kind, payload);
            }
        }
    })
    .await
    .unwrap();
    assert!(
        answer.0 == RST_STREAM || answer.1.windows(3).any(|w| w == b"431"),
        "an oversized head was served: {answer:?}"
    );

    // A frame over the size the server reads ends the connection
    // (FRAME_SIZE_ERROR); one within it (an unknown type, ignored) does not.
    s.write_all(&frame(0xfa, 0, 0, &[0; 19_000])).await.unwrap();
    s.write_all(&frame(PING, 0, 0, &[7; 8])).await.unwrap();
    let pong = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            let (kind, flags, _, payload) = read_frame(&mut s).await.unwrap();
            if kind == PING && flags & 1 == 1 && payload == [7; 8] {
                return;
            }
        }
    })
    .await;
    assert!(
        pong.is_ok(),
        "a frame within the limit broke the connection"
    );
    s.write_all(&frame(0xfa, 0, 0, &[0; 21_000])).await.unwrap();
    let goaway = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match read_frame(&mut s).await {
                Some((GOAWAY, _, _, payload)) => {
                    return Some(u32::from_be_bytes([
                        payload[4], payload[5], payload[6], payload[7],
                    ]));
                }
                Some(_) => {}
                None => return None,
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(goaway, Some(6), "FRAME_SIZE_ERROR");
    health(gw.addr).await;
}

#[tokio::test]
async fn an_http2_client_that_never_opens_its_window_is_dropped() {
    let gw = start(&[
        ("WRITE_TIMEOUT_MS", "600"),
        ("IDLE_TIMEOUT_MS", "10000"),
        ("HTTP2_KEEPALIVE_INTERVAL_MS", "200"),
    ]);
    // SETTINGS_INITIAL_WINDOW_SIZE = 0: no response body can be sent; the
    // client answers every PING, so only the write deadline can end it.
    let mut s = connect(gw.addr, ATTACKER).await;
    s.write_all(PREFACE).await.unwrap();
    s.write_all(&frame(SETTINGS, 0, 0, &[0, 4, 0, 0, 0, 0]))
        .await
        .unwrap();
    s.write_all(&frame(
        HEADERS,
        END_STREAM | END_HEADERS,
        1,
        &head_block("GET", "/metrics"),
    ))
    .await
    .unwrap();
    let since = Instant::now();
    let watcher = tokio::spawn(async move {
        loop {
            match tokio::time::timeout(Duration::from_secs(4), read_frame(&mut s)).await {
                Ok(Some((PING, flags, _, payload))) if flags & 1 == 0 => {
                    let _ = s.write_all(&frame(PING, 1, 0, &payload)).await;
                }
                Ok(Some((DATA, ..))) => panic!("data sent into a closed window"),
                Ok(Some(_)) => {}
                Ok(None) => return Some(since.elapsed()),
                Err(_) => return None,
            }
        }
    });
    health_during(gw.addr, since + Duration::from_millis(900)).await;
    let closed = watcher
        .await
        .unwrap()
        .expect("a response nobody takes held its connection");
    assert!(
        closed >= Duration::from_millis(550) && closed < Duration::from_millis(2500),
        "dropped after {closed:?}"
    );
    assert!(
        metric(
            gw.addr,
            r#"alphaguard_connections_closed_total{reason="write_timeout"}"#
        )
        .await
            >= 1.0
    );
}

#[tokio::test]
async fn a_slow_reader_that_keeps_reading_is_not_dropped() {
    let upstream = RecordingUpstream::start().await;
    let big = "y".repeat(512 * 1024);
    upstream.respond(200, &big);
    let url = upstream.url();
    let gw = start(&[
        ("WRITE_TIMEOUT_MS", "600"),
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &url),
    ]);
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(16 * 1024).unwrap();
    socket.bind(SocketAddr::new(ATTACKER, 0)).unwrap();
    let mut s = socket.connect(gw.addr).await.unwrap();
    s.write_all(
        format!(
            "GET /api/big HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    // At most 32 KiB every 50 ms: slow, but never 600 ms without reading.
    let mut got = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = String::from_utf8_lossy(&got);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.ends_with(&big[big.len() - 100..]));
    assert!(got.len() > big.len(), "cut short at {} bytes", got.len());
}

/// The status line of the next whole response (Content-Length framed);
/// `None` if the connection closed or none came within `within`.
async fn next_status(s: &mut TcpStream, pending: &mut Vec<u8>, within: Duration) -> Option<String> {
    tokio::time::timeout(within, async {
        loop {
            let text = String::from_utf8_lossy(pending).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let head = &text[..end];
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                if pending.len() >= end + 4 + len {
                    let status = head.lines().next().unwrap_or("").to_owned();
                    pending.drain(..end + 4 + len);
                    return Some(status);
                }
            }
            let mut buf = [0u8; 4096];
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .flatten()
}

#[tokio::test]
async fn partial_heads_sent_behind_a_request_are_cut_off_at_the_header_deadline() {
    let upstream = RecordingUpstream::start().await;
    let url = upstream.url();
    let gw = start(&[
        ("HEADER_READ_TIMEOUT_MS", "600"),
        ("IDLE_TIMEOUT_MS", "10000"),
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &url),
    ]);
    let post = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 5\r\n\r\n"
    );
    let partial = "GET /health HTTP/1.1\r\nHost: x\r\nX-A: ";
    // Each case: what is written (a pause between the parts), then the
    // connection must answer once and close at the header deadline, not
    // the idle one (10 s).
    let cases: Vec<(&str, Vec<String>)> = vec![
        // In the same packet as the request before it (a GET).
        (
            "same packet as a GET",
            vec![format!("GET /health HTTP/1.1\r\nHost: x\r\n\r\n{partial}")],
        ),
        // In the same packet as a body.
        (
            "same packet as a body",
            vec![format!("{post}hello{partial}")],
        ),
        // With the end of a body sent in two parts.
        (
            "after a body's second part",
            vec![format!("{post}hel"), format!("lo{partial}")],
        ),
        // Just after the body, while the request may still be in flight.
        (
            "just after a body",
            vec![format!("{post}hello"), partial.to_owned()],
        ),
    ];
    let mut tasks = Vec::new();
    for (name, parts) in cases {
        let addr = gw.addr;
        tasks.push((
            name,
            tokio::spawn(async move {
                let mut s = connect(addr, ATTACKER).await;
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        tokio::time::sleep(Duration::from_millis(30)).await;
                    }
                    s.write_all(part.as_bytes()).await.unwrap();
                }
                let mut pending = Vec::new();
                let status = next_status(&mut s, &mut pending, Duration::from_secs(2))
                    .await
                    .expect("a whole response within two seconds");
                let since = Instant::now();
                (
                    status,
                    closed_after(&mut s, since, Duration::from_secs(4)).await,
                )
            }),
        ));
    }
    health_during(gw.addr, Instant::now() + Duration::from_millis(900)).await;
    for (name, task) in tasks {
        let (status, closed) = task.await.unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{name}: {status}");
        let closed = closed.unwrap_or_else(|| panic!("{name}: the partial head was held past 4 s"));
        assert!(
            closed >= Duration::from_millis(500) && closed < Duration::from_millis(2500),
            "{name}: closed after {closed:?}"
        );
    }
}

#[tokio::test]
async fn pipelined_requests_are_all_answered_and_keep_alive_is_kept_after_a_body() {
    let upstream = RecordingUpstream::start().await;
    let url = upstream.url();
    let gw = start(&[
        ("HEADER_READ_TIMEOUT_MS", "600"),
        ("IDLE_TIMEOUT_MS", "10000"),
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &url),
    ]);
    // Whole requests in one packet: a GET, a body, a chunked body, and a
    // GET after each.
    let mut s = connect(gw.addr, ATTACKER).await;
    let batch = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\n\
         POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 5\r\n\r\nhello\
         GET /health HTTP/1.1\r\nHost: x\r\n\r\n\
         POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nworld\r\n0\r\n\r\n\
         GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    );
    s.write_all(batch.as_bytes()).await.unwrap();
    let mut pending = Vec::new();
    for i in 0..5 {
        let status = next_status(&mut s, &mut pending, Duration::from_secs(2))
            .await
            .expect("a whole response within two seconds");
        assert!(status.starts_with("HTTP/1.1 200"), "response {i}: {status}");
    }
    let bodies: Vec<Vec<u8>> = upstream
        .received()
        .into_iter()
        .map(|r| r.body.to_vec())
        .collect();
    assert_eq!(bodies, [b"hello".to_vec(), b"world".to_vec()]);
    // After a body with nothing behind it, the connection is idle, not in
    // a head: open past the header deadline, and it still serves.
    s.write_all(format!("POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 5\r\n\r\nhello").as_bytes())
        .await
        .unwrap();
    let status = next_status(&mut s, &mut pending, Duration::from_secs(2))
        .await
        .expect("a whole response within two seconds");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let status = next_status(&mut s, &mut pending, Duration::from_secs(2))
        .await
        .expect("a whole response within two seconds");
    assert!(
        status.starts_with("HTTP/1.1 200"),
        "after 1.2 s idle: {status}"
    );
}

// ---- From an outside review of the HTTP/1 holding socket (session 11):
// `src/conn/io.rs`, `state.rs`, `body.rs`. Each test states the README's
// contract ("Hostile connections") it checks; on the reviewed commit
// (bae2444) each failed. Deadlines: header 600 ms, idle 10 s, body 2.5 s,
// so the header and idle deadlines are far apart. ----

/// The gateway with the review's deadlines, API calls going to `upstream`.
fn start_for_review(upstream: &str) -> Gateway {
    start(&[
        ("WEBHOOK_INBOX_URL", "memory:"),
        ("API_KEY", KEY),
        ("UPSTREAM_URL", upstream),
        ("HEADER_READ_TIMEOUT_MS", "600"),
        ("IDLE_TIMEOUT_MS", "10000"),
        ("BODY_READ_TIMEOUT_MS", "2500"),
    ])
}

/// A small upstream, keep-alive: a request whose target contains `early`
/// is answered as soon as its head is in, and its body is read after (as
/// many servers answer a request they refuse); one containing `slow` is
/// answered a second after its body; any other once its body is read.
/// Bodies are read by their framing (Content-Length or chunked).
async fn upstream() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let _ = serve_upstream(stream).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn serve_upstream(stream: TcpStream) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = tokio::io::BufReader::new(read);
    let answer =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let early = line.contains("early");
        let slow = line.contains("slow");
        let (mut length, mut chunked) = (0usize, false);
        loop {
            let mut header = String::new();
            if read.read_line(&mut header).await? == 0 {
                return Ok(());
            }
            let header = header.trim().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(v) = header.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if header.starts_with("transfer-encoding:") && header.ends_with("chunked") {
                chunked = true;
            }
        }
        if early {
            write.write_all(answer).await?;
        }
        if chunked {
            loop {
                let mut size = String::new();
                read.read_line(&mut size).await?;
                let size = usize::from_str_radix(size.trim().split(';').next().unwrap(), 16)
                    .map_err(|_| std::io::ErrorKind::InvalidData)?;
                if size == 0 {
                    loop {
                        let mut trailer = String::new();
                        if read.read_line(&mut trailer).await? == 0 || trailer.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let mut data = vec![0u8; size + 2];
                read.read_exact(&mut data).await?;
            }
        } else {
            let mut data = vec![0u8; length];
            read.read_exact(&mut data).await?;
        }
        if slow {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        if !early {
            write.write_all(answer).await?;
        }
    }
}

const PARTIAL: &[u8] = b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: ";

/// Contract: "first byte of a later HTTP/1 head -> its end:
/// HEADER_READ_TIMEOUT_MS, closed".
///
/// `head_end` (io.rs) looks for the empty line in each read alone. When a
/// read begins with the head's final CR LF (the previous read ended with
/// the last header line's CR LF), it finds nothing, and the whole read, a
/// partial head behind it included, goes to hyper's buffer, where only the
/// idle deadline sees it. The first read of every connection is at most
/// 24 bytes (hyper-util's HTTP/2 preface sniff), so one packet is enough
/// when the first head's last line ends at byte 24; later, the client
/// splits its packets there.
#[tokio::test]
async fn a_head_whose_empty_line_starts_a_read_is_still_cut() {
    let gw = start_for_review(&upstream().await);
    // "GET / HTTP/1.1\r\nHost:x\r\n" is 24 bytes: the version sniff's read
    // (`/` is no route: 404, and the connection stays).
    let mut first = b"GET / HTTP/1.1\r\nHost:x\r\n\r\n".to_vec();
    first.extend_from_slice(PARTIAL);
    let cases: Vec<(&str, Vec<Vec<u8>>, &str)> = vec![
        ("one packet, the empty line at byte 24", vec![first], " 404"),
        (
            "a later request, its empty line in the next packet",
            vec![
                b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n"
                    .to_vec(),
                [&b"\r\n"[..], PARTIAL].concat(),
            ],
            " 200",
        ),
        (
            "a later request, LF-only, its last LF in the next packet",
            vec![
                b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\nHost: x\n".to_vec(),
                [&b"\n"[..], PARTIAL].concat(),
            ],
            " 200",
        ),
    ];
    let mut failures = Vec::new();
    for (name, parts, answer) in cases {
        let mut s = connect(gw.addr, ATTACKER).await;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            s.write_all(part).await.unwrap();
        }
        let mut pending = Vec::new();
        let answers = if parts.len() > 1 { 2 } else { 1 };
        for _ in 0..answers {
            let status = next_status(&mut s, &mut pending, Duration::from_secs(2)).await;
            assert!(
                status.as_deref().is_some_and(|s| s.contains(answer)),
                "{name}: {status:?}"
            );
        }
        match closed_after(&mut s, Instant::now(), Duration::from_secs(4)).await {
            Some(t) if t < Duration::from_millis(2500) => {}
            other => failures.push(format!(
                "{name}: closed after {other:?} (None: open past 4 s)"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "partial heads held past the header deadline: {failures:#?}"
    );
}

/// Contract: "Whole pipelined requests must all be answered"; a stall
/// (answered only at a timeout) is a failure.
///
/// A request's body may still be read after its response is out: here the
/// upstream answers at the head (as servers refusing a request do) and
/// reads the body after. The previous request's `TimedBody`, polled to its
/// end by the upstream client's connection task, calls
/// `ConnState::body_ended` after the next request's `set_body_len` reset
/// it; the next request, chunked, is then in `ReadMode::Hold`, its body is
/// held from hyper, and it is answered 408 at the body deadline.
#[tokio::test]
async fn the_end_of_an_earlier_body_does_not_stop_a_chunked_body() {
    let gw = start_for_review(&upstream().await);
    let early = format!(
        "POST /api/early HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 10\r\n\r\nhello"
    );
    let chunked = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let mut s = connect(gw.addr, ATTACKER).await;
    s.write_all(early.as_bytes()).await.unwrap();
    let mut pending = Vec::new();
    let status = next_status(&mut s, &mut pending, Duration::from_secs(2)).await;
    assert!(
        status.as_deref().is_some_and(|s| s.contains(" 200")),
        "{status:?}"
    );
    // The rest of the first body, with the next head; its body a little
    // later.
    s.write_all(format!("world{chunked}").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.write_all(b"5\r\nhello\r\n0\r\n\r\n").await.unwrap();
    let started = Instant::now();
    let status = next_status(&mut s, &mut pending, Duration::from_secs(4)).await;
    assert!(
        status.as_deref().is_some_and(|s| s.contains(" 200"))
            && started.elapsed() < Duration::from_secs(1),
        "the chunked request behind it: {status:?} after {:?}",
        started.elapsed()
    );
}

/// Contract: a head's bytes that came while a request was in flight have
/// the header deadline from that request's end.
///
/// A chunked body that arrives while an earlier request is in flight is
/// held; when its turn comes, the socket hands hyper the body up to its
/// end by its framing (`conn/chunked.rs`), not the partial head that came
/// in its own packet after the last chunk (before, all of it went to
/// hyper's buffer, where it waited for the idle deadline).
#[tokio::test]
async fn a_partial_head_held_behind_a_chunked_body_has_the_header_deadline() {
    let gw = start_for_review(&upstream().await);
    let slow = format!("GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\n\r\n");
    let chunked = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    );
    let mut s = connect(gw.addr, ATTACKER).await;
    s.write_all(format!("{slow}{chunked}").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.write_all(b"0\r\n\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.write_all(PARTIAL).await.unwrap();
    let mut pending = Vec::new();
    for i in 0..2 {
        let status = next_status(&mut s, &mut pending, Duration::from_secs(3)).await;
        assert!(
            status.as_deref().is_some_and(|s| s.contains(" 200")),
            "response {i}: {status:?}"
        );
    }
    let closed = closed_after(&mut s, Instant::now(), Duration::from_secs(4)).await;
    assert!(
        closed.is_some_and(|t| t < Duration::from_millis(2500)),
        "the partial head was held for {closed:?} after the last response (None: past 4 s)"
    );
}

/// Contract: "first byte of a later HTTP/1 head -> its end:
/// HEADER_READ_TIMEOUT_MS, closed", for a head in the same packet as the
/// last chunk of a chunked body, and one sent after the body in the same
/// packet as its trailers. Both bodies carry chunk extensions.
#[tokio::test]
async fn a_partial_head_after_a_chunked_body_in_its_packet_has_the_header_deadline() {
    let gw = start_for_review(&upstream().await);
    let head = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let cases: Vec<(&str, Vec<Vec<u8>>)> = vec![
        (
            "with the last chunk",
            vec![
                format!("{head}5;a=b\r\nhello\r\n").into_bytes(),
                [&b"0\r\n\r\n"[..], PARTIAL].concat(),
            ],
        ),
        (
            "with the trailers",
            vec![
                format!("{head}5 ;x\r\nhello\r\n0\r\n").into_bytes(),
                [&b"Expires: never\r\n\r\n"[..], PARTIAL].concat(),
            ],
        ),
        (
            "all in one packet",
            vec![[format!("{head}5\r\nhello\r\n0\r\n\r\n").as_bytes(), PARTIAL].concat()],
        ),
    ];
    let mut failures = Vec::new();
    for (name, parts) in cases {
        let mut s = connect(gw.addr, ATTACKER).await;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            s.write_all(part).await.unwrap();
        }
        let mut pending = Vec::new();
        let status = next_status(&mut s, &mut pending, Duration::from_secs(2)).await;
        assert!(
            status.as_deref().is_some_and(|s| s.contains(" 200")),
            "{name}: {status:?}"
        );
        match closed_after(&mut s, Instant::now(), Duration::from_secs(4)).await {
            Some(t) if t < Duration::from_millis(2000) => {}
            other => failures.push(format!(
                "{name}: closed after {other:?} (None: open past 4 s)"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "partial heads held past the header deadline: {failures:#?}"
    );
}

/// Contract: "Whole pipelined requests must all be answered": chunked
/// bodies with extensions and trailers, between other requests, in one
/// packet, each answered at once (none waits for a deadline); a malformed
/// chunked body is refused at once (400, not held, and not counted as the
/// upstream's failure: it was 502 and an upstream "connect" error).
#[tokio::test]
async fn pipelined_chunked_bodies_with_trailers_are_all_answered() {
    let gw = start_for_review(&upstream().await);
    let chunked = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n\
         3;ext=\"a b\"\r\nabc\r\nA\r\n0123456789\r\n0;end\r\nX-Trailer: 1\r\nY: 2\r\n\r\n"
    );
    let get = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut s = connect(gw.addr, ATTACKER).await;
    let started = Instant::now();
    s.write_all(format!("{chunked}{get}{chunked}{chunked}{get}").as_bytes())
        .await
        .unwrap();
    let mut pending = Vec::new();
    for i in 0..5 {
        let status = next_status(&mut s, &mut pending, Duration::from_secs(3)).await;
        assert!(
            status.as_deref().is_some_and(|s| s.contains(" 200")),
            "response {i}: {status:?}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "answered after {:?}",
        started.elapsed()
    );

    let mut s = connect(gw.addr, ATTACKER).await;
    let started = Instant::now();
    let bad = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"
    );
    s.write_all(bad.as_bytes()).await.unwrap();
    let mut pending = Vec::new();
    let status = next_status(&mut s, &mut pending, Duration::from_secs(3)).await;
    let closed = closed_after(&mut s, Instant::now(), Duration::from_secs(3)).await;
    assert!(
        status.as_deref().is_some_and(|s| s.contains(" 400"))
            && closed.is_some()
            && started.elapsed() < Duration::from_millis(1500),
        "a malformed chunked body: {status:?}, closed after {closed:?}"
    );
    // The client's fault, not the upstream's.
    let upstream_errors = metric(
        gw.addr,
        "alphaguard_upstream_errors_total{kind=\"api\",reason=\"connect\"}",
    )
    .await;
    assert_eq!(upstream_errors, 0.0, "counted as an upstream error");
}

/// Contract: "nothing in flight (keep-alive idle): IDLE_TIMEOUT_MS".
///
/// An empty line after a body (which some old clients send, and hyper
/// ignores) arrives while the request is in flight, is held, and
/// `end_request` starts the header deadline for it: the keep-alive
/// connection is closed at the header deadline instead of the idle one
/// (before this change it was idle).
#[tokio::test]
async fn an_empty_line_after_a_body_leaves_the_connection_idle() {
    let gw = start_for_review(&upstream().await);
    let post = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 5\r\n\r\nhello\r\n"
    );
    let mut s = connect(gw.addr, ATTACKER).await;
    s.write_all(post.as_bytes()).await.unwrap();
    let mut pending = Vec::new();
    let status = next_status(&mut s, &mut pending, Duration::from_secs(2)).await;
    assert!(
        status.as_deref().is_some_and(|s| s.contains(" 200")),
        "{status:?}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let _ = s
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let status = next_status(&mut s, &mut pending, Duration::from_secs(2)).await;
    assert!(
        status.as_deref().is_some_and(|s| s.contains(" 200")),
        "keep-alive connection closed 1.5 s after its response (idle deadline 10 s): {status:?}"
    );
}
