//! Not a criterion bench: a loop for an instruction counter, so the
//! webhook README's instruction counts can be made again on any machine
//! (`scripts/instructions.sh` runs it under callgrind). Instruction counts
//! are the same on every run of one binary, which wall and CPU time on a
//! shared VM are not.
//!
//! `webhook_instructions ours|ring N` verifies the 64-byte Standard
//! Webhooks request of the `webhook_hmac` bench N times: with
//! `standard::verify` (the time given, since valgrind cannot run the
//! vDSO's coarse clock), or with `ring::hmac::verify` over the same signed
//! content, the floor. Under `cargo bench` (an argument `--bench`) it runs
//! each once and returns.

mod webhook_fixture;

use std::hint::black_box;
use std::time::Duration;

use alphaguard_webhook_hmac::{Secret, standard};
use webhook_fixture::{ID, SECRET, body, key_bytes, now, with_typical_headers};

#[inline(never)]
fn ours(secret: &Secret, headers: &http::HeaderMap, body: &[u8], now: Duration) -> bool {
    standard::verify(
        secret,
        black_box(headers),
        black_box(body),
        now,
        standard::DEFAULT_TOLERANCE,
    )
    .is_ok()
}

#[inline(never)]
fn floor(key: &ring::hmac::Key, content: &[u8], tag: &[u8]) -> bool {
    ring::hmac::verify(key, black_box(content), black_box(tag)).is_ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, n) = match args.first().map(String::as_str) {
        Some(which @ ("ours" | "ring")) => (
            which,
            args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000),
        ),
        // `cargo bench` runs every bench target: once each, and done.
        _ => ("both", 1),
    };
    let secret = Secret::parse(SECRET).expect("the bench's secret");
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key_bytes());
    let body = body(64);
    let ts = now();
    let headers = with_typical_headers(
        standard::sign_headers(&secret, ID, ts, &body).expect("an HMAC key"),
        body.len(),
    );
    let content = [ID.as_bytes(), b".", ts.to_string().as_bytes(), b".", &body].concat();
    let tag = ring::hmac::sign(&ring_key, &content);
    let at = Duration::from_secs(ts);
    let mut ok = 0usize;
    for _ in 0..n {
        if which != "ring" {
            ok += usize::from(ours(&secret, &headers, &body, at));
        }
        if which != "ours" {
            ok += usize::from(floor(&ring_key, &content, tag.as_ref()));
        }
    }
    let want = if which == "both" { 2 * n } else { n };
    assert_eq!(ok, want, "every verification succeeds");
}
