//! The attacks an outside review found, each on real sockets: raw request
//! lines written to the gateway's listener, a recording upstream behind it,
//! a real `redis-server` that is killed and restarted.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use alphaguard_gateway::server::serve;
use alphaguard_gateway::{App, Settings};
use alphaguard_test_support::{RecordingUpstream, RedisServer};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "service-key-0123456789abcdef";

struct Gateway {
    addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(vars: &[(&str, &str)]) -> Gateway {
    let mut map: HashMap<String, String> = [
        ("RATE_LIMIT_READ_PER_MIN", "100000"),
        ("RATE_LIMIT_WRITE_PER_MIN", "100000"),
        ("RATE_LIMIT_PROBE_PER_MIN", "100000"),
        ("ACCESS_LOG", "off"),
        ("WEBHOOK_INBOX_URL", "memory:"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in vars {
        map.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_lookup(&move |n| map.get(n).cloned()).unwrap();
    let limits = settings.server.clone();
    let app = Arc::new(App::build(settings).await.unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, app, limits, async {
        let _ = stopped.await;
    }));
    Gateway { addr, _stop: stop }
}

/// Writes `head` (request line and headers, without the blank line) and
/// returns the status code and the whole answer.
async fn raw(addr: SocketAddr, head: &str, body: &str) -> (u16, String) {
    let request = format!(
        "{head}\r\nhost: gw.test\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    exact(addr, &request).await
}

/// Sends these bytes and reads the answer until the gateway closes.
async fn exact(addr: SocketAddr, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn traversal_out_of_api_is_refused_and_nothing_reaches_the_upstream() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;
    for path in [
        "/api/../webhooks/gdpr-erasure",
        "/api/%2e%2e/internal/x",
        "/api/%2E%2e/internal/x",
        "/api/.%2e/x",
        "/api/..\\x",
        "/api/x/../../x",
        "/api/x/..",
        "/api/./admin/secrets/clear-cache",
        "/api/..%2fwebhooks/founder",
        "/api/..%2Fwebhooks/founder",
        "/api/..%5cwebhooks/founder",
        "/api/%252e%252e/x",
        "/api/..;/admin",
        "/api/..%3B/admin",
        "/api//admin/secrets/clear-cache",
        "/api/%00",
        // A second layer spelt with escapes of its own digits.
        "/api/x/%25%32%65%25%32%65/admin",
        "/api/admin%25%32%66webhooks%25%32%66inbox",
        "/api/x/%25%35%63",
        "/api/x/%25%30%30",
        // Overlong UTF-8 and fullwidth dots (an outside review's).
        "/api/%C0%AE%C0%AE/admin",
        "/api/%EF%BC%8E%EF%BC%8E/webhooks/founder",
        "/api/x%EF%BC%8F..%EF%BC%8Fadmin",
        // Slashes Windows' best-fit conversion reads as `/` and `\`.
        "/api/x%E2%88%95..%E2%88%95admin",
        "/api/..%E2%88%96admin",
        // Encoded `?` and `#`: the end of the path to an upstream that
        // decodes before it splits off the query (a fourth review's).
        "/api/..%3F/webhooks/gdpr-erasure",
        "/api/admin%3F/secrets/clear-cache",
        "/api/admin%23/x",
        "/api/..%253F/webhooks/founder",
        "/api/admin%EF%BC%9F/x",
    ] {
        let (status, text) = raw(
            gw.addr,
            &format!("POST {path} HTTP/1.1\r\nx-api-key: {KEY}"),
            "{\"erase\":\"everyone\"}",
        )
        .await;
        assert_eq!(status, 400, "{path}: {text}");
        assert!(text.contains("\"request_id\""), "{path}: {text}");
        assert!(text.contains("\"error\":\"bad request\""), "{path}: {text}");
    }
    assert!(
        upstream.received().is_empty(),
        "{:?}",
        upstream
            .received()
            .iter()
            .map(|r| r.uri.clone())
            .collect::<Vec<_>>()
    );
    // The gateway's own admin routes are never forwarded either, however
    // the segment is spelt.
    for path in [
        "/api/admin/anything",
        "/api/admin",
        "/api/ADMIN/webhooks/inbox",
        "/api/admin;x/webhooks/inbox",
        "/api/admin%3B/webhooks/inbox",
        "/api/admin;",
        // Found by an outside review: forwarded before.
        "/api/admin.json",
        "/api/admin.",
        "/api/admin%20/webhooks/inbox",
        "/api/admin%2e%2e/x",
        "/api/%EF%BD%81dmin/drive/sync",
        // Found by a second outside review: forwarded before.
        "/api/%2561dmin/secrets/clear-cache",
        "/api/adm%2569n/webhooks/inbox",
        "/api/adm%C4%B1n/webhooks/inbox",
        "/api/ad%C2%ADmin/x",
        "/api/admin%E2%80%8B/x",
    ] {
        let (status, _) = raw(
            gw.addr,
            &format!("POST {path} HTTP/1.1\r\nx-api-key: {KEY}"),
            "",
        )
        .await;
        assert_eq!(status, 404, "{path}");
    }
    assert!(upstream.received().is_empty());
}

/// Finding of an outside review: two `Host` lines were taken (the first
/// one won); RFC 9112 §3.2 asks for 400, as the gateway and the upstream
/// could each read another.
#[tokio::test]
async fn two_host_lines_are_refused() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;
    let (status, text) = raw(
        gw.addr,
        &format!("GET /api/things HTTP/1.1\r\nx-api-key: {KEY}\r\nhost: evil.example"),
        "",
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("\"request_id\""), "{text}");
    assert!(upstream.received().is_empty());
    // One is fine.
    let (status, _) = raw(
        gw.addr,
        &format!("GET /api/things HTTP/1.1\r\nx-api-key: {KEY}"),
        "",
    )
    .await;
    assert_eq!(status, 200);
}

/// Finding of a second outside review: an HTTP/1.1 request without `Host`
/// or with one that is no `host[:port]` was forwarded (RFC 9112 §3.2 asks
/// for 400), and `Transfer-Encoding: gzip, chunked` was taken with the
/// gzip coding dropped (hyper frames by the last coding): the upstream got
/// the compressed bytes as the body (RFC 9112 §6.1: 501).
#[tokio::test]
async fn heads_rfc_9112_refuses_are_refused() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;
    let get = |version: &str, host: Option<&str>| {
        let host = host.map(|h| format!("host: {h}\r\n")).unwrap_or_default();
        format!(
            "GET /api/things HTTP/{version}\r\n{host}x-api-key: {KEY}\r\nconnection: close\r\n\r\n"
        )
    };
    for host in [
        None,
        Some("a, b"),
        Some("user@evil.example"),
        Some("evil.example/x"),
        Some("[::1"),
        Some("[not-an-ip]:80"),
        Some("gw.test:80x"),
        Some("gw.test:80:81"),
        Some("gw.test:65536"),
        Some("x:999999999999"),
        Some("gw.test:0"),
    ] {
        let (status, text) = exact(gw.addr, &get("1.1", host)).await;
        assert_eq!(status, 400, "{host:?}: {text}");
        assert!(text.contains("\"request_id\""), "{text}");
    }
    assert!(upstream.received().is_empty());
    // One line, or (found by a third outside review) split over two.
    for codings in [
        "transfer-encoding: gzip, chunked",
        "transfer-encoding: chunked\r\ntransfer-encoding: gzip, chunked",
        "transfer-encoding: chunked\r\ntransfer-encoding: chunked",
        "transfer-encoding: chunked\r\ntransfer-encoding: x, chunked",
    ] {
        let (status, text) = exact(
            gw.addr,
            &format!(
                "POST /api/things HTTP/1.1\r\nhost: gw.test\r\nx-api-key: {KEY}\r\n{codings}\r\nconnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            ),
        )
        .await;
        assert_eq!(status, 501, "{codings}: {text}");
        assert!(text.contains("\"request_id\""), "{text}");
    }
    assert!(upstream.received().is_empty());
    // What a client sends: forwarded.
    for (version, host) in [
        ("1.1", Some("gw.test")),
        ("1.1", Some("127.0.0.1:8080")),
        ("1.1", Some("[::1]:8080")),
        ("1.1", Some("")),
        ("1.1", Some("xn--bcher-kva.example")),
        ("1.0", None),
    ] {
        let (status, text) = exact(gw.addr, &get(version, host)).await;
        assert_eq!(status, 200, "{version} {host:?}: {text}");
    }
    let (status, text) = exact(
        gw.addr,
        &format!(
            "POST /api/things HTTP/1.1\r\nhost: gw.test\r\nx-api-key: {KEY}\r\ntransfer-encoding: Chunked\r\nconnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(upstream.received().len(), 7);
}

#[tokio::test]
async fn client_headers_the_upstream_might_trust_are_dropped() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;
    let (status, text) = raw(
        gw.addr,
        &format!(
            "GET /api/things HTTP/1.1\r\nx-api-key: {KEY}\r\n\
             authorization: Bearer never-checked\r\n\
             true-client-ip: 6.6.6.6\r\ncf-connecting-ip: 6.6.6.6\r\nx-client-ip: 6.6.6.6\r\n\
             x-real-ip: 6.6.6.6\r\nx-forwarded-for: 6.6.6.6\r\nforwarded: for=6.6.6.6\r\n\
             x-forwarded-host: evil.example\r\nx-forwarded-proto: https\r\n\
             x-http-method-override: DELETE\r\nx-method-override: DELETE\r\n\
             x-original-url: /api/admin/secrets/clear-cache\r\nx-rewrite-url: /webhooks/founder\r\n\
             x-user-id: owner\r\nx-discord-id: 1\r\naccept: application/json"
        ),
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let got = upstream.received();
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.method, http::Method::GET);
    for gone in [
        "authorization",
        "true-client-ip",
        "cf-connecting-ip",
        "x-client-ip",
        "x-real-ip",
        "forwarded",
        "x-http-method-override",
        "x-method-override",
        "x-original-url",
        "x-rewrite-url",
        "x-user-id",
        "x-discord-id",
        "x-api-key",
    ] {
        assert!(!r.headers.contains_key(gone), "{gone} reached the upstream");
    }
    assert_eq!(r.headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(r.headers["x-forwarded-proto"], "http");
    assert_eq!(r.headers["x-forwarded-host"], "gw.test");
    assert_eq!(r.headers["x-auth-method"], "api_key");
    assert_eq!(r.headers["accept"], "application/json");
}

#[tokio::test]
async fn the_forwarded_host_is_the_target_authority_on_http2_and_absolute_form() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;

    // HTTP/2 has no Host header: the host is `:authority`.
    let stream = TcpStream::connect(gw.addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    let request = http::Request::get("http://gw.example:8443/api/things")
        .header("x-api-key", KEY)
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), http::Version::HTTP_2);

    // An HTTP/1 absolute-form target: its host, not the Host header.
    let (status, text) = raw(
        gw.addr,
        &format!("GET http://abs.example:9000/api/things HTTP/1.1\r\nx-api-key: {KEY}"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");

    let got = upstream.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].headers["x-forwarded-host"], "gw.example:8443");
    assert_eq!(got[1].headers["x-forwarded-host"], "abs.example:9000");
    for r in &got {
        assert_eq!(r.uri, "/api/things");
    }
}

#[tokio::test]
async fn ipv6_clients_are_forwarded_with_their_full_address() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    // Loopback is the trusted proxy that says who the IPv6 client is.
    let gw = start(&[
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &up),
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
    ])
    .await;
    let (status, _) = raw(
        gw.addr,
        &format!(
            "GET /api/x HTTP/1.1\r\nx-api-key: {KEY}\r\nx-forwarded-for: 2001:db8:1:2:3:4:5:6\r\nx-forwarded-proto: https"
        ),
        "",
    )
    .await;
    assert_eq!(status, 200);
    let r = &upstream.received()[0];
    assert_eq!(r.headers["x-forwarded-for"], "2001:db8:1:2:3:4:5:6");
    // From a trusted proxy, its scheme is believed.
    assert_eq!(r.headers["x-forwarded-proto"], "https");
}

#[tokio::test]
async fn probes_survive_a_redis_outage_and_everything_recovers() {
    let Some(mut redis) = RedisServer::start() else {
        assert!(
            std::env::var_os("ALPHAGUARD_REQUIRE_REDIS").is_none(),
            "redis-server is required"
        );
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let url = redis.url();
    let gw = start(&[
        ("RATE_LIMIT_REDIS_URL", &url),
        ("RATE_LIMIT_ON_STORE_ERROR", "closed"),
    ])
    .await;
    assert_eq!(raw(gw.addr, "GET /health HTTP/1.1", "").await.0, 200);
    assert_eq!(raw(gw.addr, "GET /api/me HTTP/1.1", "").await.0, 200);
    redis.stop();
    for _ in 0..3 {
        assert_eq!(raw(gw.addr, "GET /health HTTP/1.1", "").await.0, 200);
        assert_eq!(raw(gw.addr, "GET /metrics HTTP/1.1", "").await.0, 200);
    }
    // Traffic fails closed, as configured.
    assert_eq!(raw(gw.addr, "GET /api/me HTTP/1.1", "").await.0, 429);
    redis.restart();
    // The connection manager reconnects on its own: no restart needed.
    let mut recovered = false;
    for _ in 0..50 {
        if raw(gw.addr, "GET /api/me HTTP/1.1", "").await.0 == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        recovered,
        "the limiter did not recover after Redis returned"
    );
    assert_eq!(raw(gw.addr, "GET /health HTTP/1.1", "").await.0, 200);
}

#[tokio::test]
async fn browsers_get_cors_preflights_before_auth_and_limits() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &up),
        ("CORS_ALLOWED_ORIGINS", "https://app.example.com"),
        ("RATE_LIMIT_READ_PER_MIN", "1"),
    ])
    .await;
    let preflight = "OPTIONS /api/things HTTP/1.1\r\norigin: https://app.example.com\r\n\
                     access-control-request-method: DELETE\r\n\
                     access-control-request-headers: x-api-key, content-type";
    for _ in 0..3 {
        let (status, text) = raw(gw.addr, preflight, "").await;
        assert_eq!(status, 200, "{text}");
        let lower = text.to_ascii_lowercase();
        assert!(
            lower.contains("access-control-allow-origin: https://app.example.com"),
            "{text}"
        );
        assert!(lower.contains("access-control-allow-methods"), "{text}");
        assert!(lower.contains("x-request-id"), "{text}");
        assert!(
            !lower.contains("access-control-allow-credentials"),
            "{text}"
        );
    }
    assert!(
        upstream.received().is_empty(),
        "preflights are not forwarded"
    );
    // An actual request from the allowed origin carries the header...
    let (status, text) = raw(
        gw.addr,
        &format!("GET /api/things HTTP/1.1\r\nx-api-key: {KEY}\r\norigin: https://app.example.com"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("access-control-allow-origin: https://app.example.com"));
    // (the upstream's own `*` with credentials is not passed on)
    assert!(
        !lower.contains("access-control-allow-credentials"),
        "{text}"
    );
    assert!(!lower.contains("access-control-allow-origin: *"), "{text}");
    // An actual request from another origin is allowed nothing, whatever
    // the upstream said (an outside review found its `*` with
    // credentials passed through).
    let (status, text) = raw(
        gw.addr,
        &format!("GET /api/things HTTP/1.1\r\nx-api-key: {KEY}\r\norigin: https://evil.example"),
        "",
    )
    .await;
    assert_eq!(status, 429, "the read tier (1 a minute) is spent: {text}");
    let (status, text) = raw(
        gw.addr,
        &format!("POST /api/things HTTP/1.1\r\nx-api-key: {KEY}\r\norigin: https://evil.example"),
        "{}",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.to_ascii_lowercase().contains("x-upstream: yes"),
        "{text}"
    );
    let lower = text.to_ascii_lowercase();
    assert!(!lower.contains("access-control-allow-"), "{text}");
    // A preflight for a path refused at the edge is refused like any
    // request on it (a fourth outside review found it answered 200).
    for path in ["/api/%2e%2e/x", "/api/admin%3F/x", "/api/..;/admin"] {
        let (status, text) = raw(
            gw.addr,
            &format!(
                "OPTIONS {path} HTTP/1.1\r\norigin: https://app.example.com\r\n\
                 access-control-request-method: POST"
            ),
            "",
        )
        .await;
        assert_eq!(status, 400, "{path}: {text}");
        assert!(text.contains("\"request_id\""), "{path}: {text}");
        assert!(
            !text
                .to_ascii_lowercase()
                .contains("access-control-allow-origin"),
            "{path}: {text}"
        );
    }
    // ...and a preflight from elsewhere gets none either.
    let (_, text) = raw(
        gw.addr,
        "OPTIONS /api/things HTTP/1.1\r\norigin: https://evil.example\r\naccess-control-request-method: GET",
        "",
    )
    .await;
    assert!(
        !text
            .to_ascii_lowercase()
            .contains("access-control-allow-origin"),
        "{text}"
    );
}

/// Finding of an outside review: with CORS on, every `OPTIONS` was taken
/// for a preflight and answered 200 by the CORS layer, so `OPTIONS` on an
/// admin path got 200 without credentials and `OPTIONS /api/...` never
/// reached the upstream. Only a real preflight (`Origin` and
/// `Access-Control-Request-Method`) is the layer's now.
#[tokio::test]
async fn with_cors_an_options_that_is_no_preflight_is_an_ordinary_request() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[
        ("API_KEY", KEY),
        ("UPSTREAM_URL", &up),
        ("CORS_ALLOWED_ORIGINS", "https://app.example.com"),
    ])
    .await;
    for (request, want) in [
        // Not a method of the admin route; no credentials: refused.
        ("OPTIONS /api/admin/webhooks/inbox HTTP/1.1".to_owned(), 405),
        (
            "OPTIONS /api/things HTTP/1.1\r\norigin: https://app.example.com".to_owned(),
            401,
        ),
        ("OPTIONS /api/things HTTP/1.1".to_owned(), 401),
        // With them: forwarded.
        (
            format!("OPTIONS /api/things HTTP/1.1\r\nx-api-key: {KEY}"),
            200,
        ),
    ] {
        let (status, text) = raw(gw.addr, &request, "").await;
        assert_eq!(status, want, "{request}: {text}");
    }
    let received = upstream.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].method, http::Method::OPTIONS);
    // A real preflight is still answered at once, without credentials.
    let (status, text) = raw(
        gw.addr,
        "OPTIONS /api/things HTTP/1.1\r\norigin: https://app.example.com\r\naccess-control-request-method: DELETE",
        "",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(upstream.received().len(), 1);
}

#[tokio::test]
async fn without_cors_origins_no_cors_header_is_sent() {
    let upstream = RecordingUpstream::start().await;
    let up = upstream.url();
    let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;
    for request in [
        "GET /health HTTP/1.1\r\norigin: https://app.example.com".to_owned(),
        // Not even the upstream's own.
        format!("GET /api/things HTTP/1.1\r\nx-api-key: {KEY}\r\norigin: https://app.example.com"),
    ] {
        let (status, text) = raw(gw.addr, &request, "").await;
        assert_eq!(status, 200, "{text}");
        assert!(
            !text.to_ascii_lowercase().contains("access-control"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_webhook_burst_from_one_address_is_not_held_to_the_write_tier() {
    let gw = start(&[("RATE_LIMIT_WRITE_PER_MIN", "10")]).await;
    for n in 0..30 {
        let (status, text) = raw(gw.addr, "POST /webhooks/founder HTTP/1.1", "{}").await;
        // The same body each time: persisted once, then duplicates.
        assert_eq!(
            status,
            if n == 0 { 202 } else { 200 },
            "delivery {n}: {text}"
        );
        assert!(
            text.to_ascii_lowercase()
                .contains("ratelimit-policy: webhook;q=600;w=60")
        );
    }
}

#[tokio::test]
async fn metrics_can_live_on_their_own_listener() {
    let gw = start(&[("METRICS_BIND_ADDR", "127.0.0.1:1")]).await;
    assert_eq!(raw(gw.addr, "GET /metrics HTTP/1.1", "").await.0, 404);
    assert_eq!(raw(gw.addr, "GET /health HTTP/1.1", "").await.0, 200);
    // The private listener serves them, and nothing else.
    let settings = Settings::from_lookup(&|name: &str| {
        (name == "WEBHOOK_INBOX_URL").then(|| "memory:".to_owned())
    })
    .unwrap();
    let app = Arc::new(App::build(settings).await.unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(alphaguard_gateway::server::serve_metrics(listener, app));
    let (status, text) = raw(addr, "GET /metrics HTTP/1.1", "").await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("text/plain"), "{text}");
    assert_eq!(raw(addr, "GET /health HTTP/1.1", "").await.0, 404);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// For random paths after `/api/`, whatever the gateway forwards lands
    /// under `/api/` upstream, at exactly the canonical path it routed on.
    #[test]
    fn the_upstream_only_ever_sees_canonical_paths_under_api(
        segments in proptest::collection::vec(
            proptest::string::string_regex(
                "(\\.|\\.\\.|%2e|%2E|%2f|%5c|%25|%252e|x|%41|;|~|-|_|%20|a%2e|\\.a)*"
            ).unwrap(),
            1..5,
        )
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let upstream = RecordingUpstream::start().await;
            let up = upstream.url();
            let gw = start(&[("API_KEY", KEY), ("UPSTREAM_URL", &up)]).await;
            let path = format!("/api/{}", segments.join("/"));
            let (status, _) = raw(gw.addr, &format!("GET {path} HTTP/1.1\r\nx-api-key: {KEY}"), "").await;
            let canonical = alphaguard_gateway::path::CanonicalPath::parse(&path);
            let got = upstream.received();
            match canonical {
                Ok(c) => {
                    prop_assert_eq!(status, 200);
                    prop_assert_eq!(got.len(), 1);
                    prop_assert!(got[0].uri.starts_with("/api/"), "{}", got[0].uri);
                    prop_assert_eq!(got[0].uri.as_str(), c.as_str());
                }
                Err(_) => {
                    prop_assert_eq!(status, 400);
                    prop_assert!(got.is_empty());
                }
            }
            Ok(())
        })?;
    }
}
