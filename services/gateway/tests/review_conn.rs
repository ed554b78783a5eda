//! Reproductions from an outside review of the HTTP/1 holding socket
//! (`src/conn/io.rs`, `src/conn/state.rs`, `src/conn/body.rs`), against the
//! `alphaguard` binary on real sockets. Each test states the README's
//! contract ("Hostile connections") it checks; on the reviewed commit
//! (bae2444) each of them fails.
//!
//! Deadlines here: `HEADER_READ_TIMEOUT_MS` 600, `IDLE_TIMEOUT_MS` 10000,
//! `BODY_READ_TIMEOUT_MS` 2500, so "closed at the header deadline" and
//! "closed at the idle deadline" are far apart.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "service-key-0123456789abcdef";

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

fn start(upstream: &str) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_alphaguard"));
    command
        .env_clear()
        .current_dir(dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("WEBHOOK_INBOX_URL", "memory:")
        .env("LOG_FORMAT", "json")
        .env("ACCESS_LOG", "off")
        .env("API_KEY", KEY)
        .env("UPSTREAM_URL", upstream)
        .env("HEADER_READ_TIMEOUT_MS", "600")
        .env("IDLE_TIMEOUT_MS", "10000")
        .env("BODY_READ_TIMEOUT_MS", "2500")
        .env("RATE_LIMIT_PROBE_PER_MIN", "16777215")
        .env("RATE_LIMIT_WRITE_PER_MIN", "16777215")
        .env("RATE_LIMIT_READ_PER_MIN", "16777215")
        .env("RATE_LIMIT_WEBHOOK_PER_MIN", "16777215")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the gateway exited").unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        if value["fields"]["message"] == "alphaguard listening" {
            break value["fields"]["addr"].as_str().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Gateway {
        child,
        addr,
        _dir: dir,
    }
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

async fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    s
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

/// How long until the server closes, from now; `None` if still open after
/// `limit`.
async fn closed_within(s: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let since = Instant::now();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let left = (since + limit).saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return Some(since.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
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
    let gw = start(&upstream().await);
    // "GET /health?a HTTP/1.1\r\n" is 24 bytes: the version sniff's read.
    let mut first = b"GET /health?a HTTP/1.1\r\n\r\n".to_vec();
    first.extend_from_slice(PARTIAL);
    let cases: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("one packet, the empty line at byte 24", vec![first]),
        (
            "a later request, its empty line in the next packet",
            vec![
                b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n"
                    .to_vec(),
                [&b"\r\n"[..], PARTIAL].concat(),
            ],
        ),
        (
            "a later request, LF-only, its last LF in the next packet",
            vec![
                b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\nHost: x\n".to_vec(),
                [&b"\n"[..], PARTIAL].concat(),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (name, parts) in cases {
        let mut s = connect(gw.addr).await;
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
                status.as_deref().is_some_and(|s| s.contains(" 200")),
                "{name}: {status:?}"
            );
        }
        match closed_within(&mut s, Duration::from_secs(4)).await {
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
    let gw = start(&upstream().await);
    let early = format!(
        "POST /api/early HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 10\r\n\r\nhello"
    );
    let chunked = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let mut s = connect(gw.addr).await;
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
/// the header deadline from that request's end; the documented exception
/// is only "bytes that arrive in the same read as the last chunk of a
/// chunked request body".
///
/// A chunked body that arrives while an earlier request is in flight is
/// held; when its turn comes, `ReadMode::Body(UNKNOWN_BODY)` hands hyper
/// everything held (io.rs, `give_held(buf, remaining)` with
/// `remaining == usize::MAX`), including a partial head that came in its
/// own packet, well after the last chunk: it waits for the idle deadline.
#[tokio::test]
#[ignore = "known gap (README, Hostile connections): the end of a chunked body is seen only when its decoder reports it"]
async fn a_partial_head_held_behind_a_chunked_body_has_the_header_deadline() {
    let gw = start(&upstream().await);
    let slow = format!("GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\n\r\n");
    let chunked = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    );
    let mut s = connect(gw.addr).await;
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
    let closed = closed_within(&mut s, Duration::from_secs(4)).await;
    assert!(
        closed.is_some_and(|t| t < Duration::from_millis(2500)),
        "the partial head was held for {closed:?} after the last response (None: past 4 s)"
    );
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
    let gw = start(&upstream().await);
    let post = format!(
        "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Api-Key: {KEY}\r\nContent-Length: 5\r\n\r\nhello\r\n"
    );
    let mut s = connect(gw.addr).await;
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
