//! Every route and error of the gateway, without a socket: `App::handle`
//! takes a request and a peer address. Supabase and the upstream API are
//! real loopback servers (`alphaguard-test-support`).

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use alphaguard_gateway::{App, SecretsCache, Settings};
use alphaguard_test_support::{FakeSupabase, FakeUser, RecordingUpstream, unix_now};
use alphaguard_webhook_hmac::Secret;
use alphaguard_webhook_hmac::standard::sign_headers;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::Value;

const KEY: &str = "service-key-0123456789abcdef";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OWNER: u64 = 123_456_789_012_345_678;

fn peer() -> SocketAddr {
    SocketAddr::from(([203, 0, 113, 7], 50_000))
}

/// The gateway with `vars`, limits raised so only the rate-limit tests
/// trip them.
async fn app(vars: &[(&str, &str)]) -> App {
    let mut map: HashMap<String, String> = [
        ("RATE_LIMIT_PROBE_PER_MIN", "10000"),
        ("RATE_LIMIT_READ_PER_MIN", "10000"),
        ("RATE_LIMIT_WRITE_PER_MIN", "10000"),
        // One inbox per test; the durable ones have tests of their own.
        ("WEBHOOK_INBOX_URL", "memory:"),
        ("WEBHOOK_RETRY_MIN_MS", "20"),
        ("WEBHOOK_RETRY_MAX_MS", "100"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in vars {
        map.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_lookup(&move |name| map.get(name).cloned()).unwrap();
    App::build(settings).await.unwrap()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn request_id(&self) -> &str {
        self.headers["x-request-id"].to_str().unwrap()
    }

    /// The error contract: generic message, the request id, nothing else.
    fn assert_error(&self, status: StatusCode) {
        assert_eq!(self.status, status, "{}", self.text());
        let body = self.json();
        let fields: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["error", "request_id"], "{body}");
        assert_eq!(body["request_id"], self.request_id());
        assert_eq!(self.headers["content-type"], "application/json");
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(self.headers["www-authenticate"], "Bearer");
        }
    }
}

async fn send_from(app: &App, mut request: Request<Full<Bytes>>, peer: SocketAddr) -> Answer {
    // As a client sends it: an HTTP/1.1 request names its host.
    if !request.headers().contains_key(http::header::HOST) {
        request.headers_mut().insert(
            http::header::HOST,
            http::HeaderValue::from_static("gw.test"),
        );
    }
    let response = app.handle(request, peer).await;
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

async fn send(app: &App, request: Request<Full<Bytes>>) -> Answer {
    send_from(app, request, peer()).await
}

fn get(path: &str) -> http::request::Builder {
    Request::get(path)
}

fn empty(builder: http::request::Builder) -> Request<Full<Bytes>> {
    builder.body(Full::new(Bytes::new())).unwrap()
}

#[tokio::test]
async fn health_and_methods() {
    let app = app(&[]).await;
    let ok = send(&app, empty(get("/health"))).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json(), serde_json::json!({"status": "ok"}));
    assert_eq!(ok.headers["ratelimit-policy"], "probe;q=10000;w=60");
    assert!(ok.headers.contains_key("ratelimit"));
    assert_eq!(ok.request_id().len(), 24);

    let post = send(&app, empty(Request::post("/health"))).await;
    post.assert_error(StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.headers["allow"], "GET, HEAD");

    send(&app, empty(get("/nowhere")))
        .await
        .assert_error(StatusCode::NOT_FOUND);
    send(&app, empty(get("/webhooks/founder")))
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED);
    send(&app, empty(Request::post("/webhooks/nope")))
        .await
        .assert_error(StatusCode::NOT_FOUND);
    send(&app, empty(Request::post("/webhooks/founder/x")))
        .await
        .assert_error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn request_ids_are_kept_when_sane_and_made_otherwise() {
    let app = app(&[]).await;
    let kept = send(
        &app,
        empty(get("/nowhere").header("x-request-id", "abc.DEF_1-2")),
    )
    .await;
    assert_eq!(kept.request_id(), "abc.DEF_1-2");
    assert_eq!(kept.json()["request_id"], "abc.DEF_1-2");
    for bad in ["has space", "quote\"", &"x".repeat(129), "semi;colon"] {
        let made = send(&app, empty(get("/health").header("x-request-id", bad))).await;
        assert_ne!(made.request_id(), bad);
        assert_eq!(made.request_id().len(), 24);
    }
    let a = send(&app, empty(get("/health"))).await;
    let b = send(&app, empty(get("/health"))).await;
    assert_ne!(a.request_id(), b.request_id());
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let app = app(&[("API_KEY", KEY)]).await;
    send(&app, empty(get("/api/me"))).await;
    send(&app, empty(Request::post("/webhooks/founder"))).await;
    let metrics = send(&app, empty(get("/metrics"))).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    for needle in [
        "alphaguard_http_requests_total{class=\"api\",status=\"401\"}",
        "alphaguard_http_request_duration_seconds_bucket{class=\"api\"",
        "alphaguard_auth_failures_total{reason=\"missing credentials\"}",
        "alphaguard_webhook_verifications_total{name=\"founder\",result=\"unconfigured\"}",
    ] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
}

#[tokio::test]
async fn observability_needs_the_service_key() {
    let open = app(&[]).await;
    send(&open, empty(get("/api/observability")))
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE);

    let app = app(&[("API_KEY", KEY)]).await;
    send(&app, empty(get("/api/observability")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    send(
        &app,
        empty(get("/api/observability").header("x-api-key", "wrong-key-0123456789abc")),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED);

    // Traffic: two api answers (one 200, one 401), probes and the view
    // itself not counted under api, one webhook.
    send(&app, empty(get("/api/me").header("x-api-key", KEY))).await;
    send(&app, empty(get("/api/me"))).await;
    send(&app, empty(get("/health"))).await;
    send(&app, empty(Request::post("/webhooks/legal-update"))).await;
    let view = send(
        &app,
        empty(get("/api/observability").header("x-api-key", KEY)),
    )
    .await;
    assert_eq!(view.status, StatusCode::OK);
    let v = view.json();
    assert_eq!(v["window_seconds"], 300);
    assert_eq!(v["api"]["requests"], 2);
    assert_eq!(v["api"]["success_rate"], 0.5);
    assert_eq!(v["api"]["by_status_class"]["2xx"], 1);
    assert_eq!(v["api"]["by_status_class"]["4xx"], 1);
    for p in ["p50", "p95", "p99"] {
        assert!(v["api"]["latency_ms"][p].is_number(), "{p}");
    }
    assert_eq!(v["webhooks"]["requests"], 1);
    assert_eq!(v["webhooks"]["by_name"]["legal-update"]["requests"], 1);
    assert_eq!(
        v["webhooks"]["by_name"]["legal-update"]["by_status_class"]["2xx"],
        1
    );
    assert_eq!(v["webhooks"]["by_name"].as_object().unwrap().len(), 6);
}

#[tokio::test]
async fn me_in_every_mode() {
    // Development: nobody configured, everyone unauthenticated.
    let open = app(&[]).await;
    let me = send(&open, empty(get("/api/me").header("x-user-id", "42"))).await;
    assert_eq!(
        me.json(),
        serde_json::json!({"method": "unauthenticated", "user_id": null, "role": null, "email": null})
    );

    let fake = FakeSupabase::start().await;
    let user = FakeUser::discord(
        "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
        "alice@example.com",
        OWNER,
    );
    let token = fake.sign_in(&user);
    let (url, anon, secret) = (fake.url(), fake.anon_key(), fake.jwt_secret());
    for mode in ["remote", "local"] {
        let app = app(&[
            ("API_KEY", KEY),
            ("SUPABASE_URL", &url),
            ("SUPABASE_ANON_KEY", &anon),
            ("SUPABASE_JWT_MODE", mode),
            ("SUPABASE_JWT_SECRET", &secret),
        ])
        .await;
        let me = send(
            &app,
            empty(
                get("/api/me")
                    .header("authorization", format!("Bearer {token}"))
                    .header("x-user-id", "spoofed"),
            ),
        )
        .await;
        assert_eq!(me.status, StatusCode::OK, "{mode}");
        assert_eq!(
            me.json(),
            serde_json::json!({
                "method": "supabase_jwt",
                "user_id": "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
                "role": "authenticated",
                "email": "alice@example.com"
            }),
            "{mode}"
        );
        let by_key = send(&app, empty(get("/api/me").header("x-api-key", KEY))).await;
        assert_eq!(by_key.json()["method"], "api_key", "{mode}");
        assert_eq!(by_key.json()["user_id"], Value::Null, "{mode}");
        send(&app, empty(get("/api/me").header("x-user-id", "42")))
            .await
            .assert_error(StatusCode::UNAUTHORIZED);
        send(
            &app,
            empty(get("/api/me").header("authorization", "Bearer forged.token.here")),
        )
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
        send(&app, empty(Request::delete("/api/me")))
            .await
            .assert_error(StatusCode::METHOD_NOT_ALLOWED);
    }
}

#[tokio::test]
async fn a_hanging_supabase_is_503_within_the_timeout() {
    let fake = FakeSupabase::start().await;
    let token = fake.sign_in(&FakeUser::email("u-1", "u@example.com"));
    fake.set_mode(alphaguard_test_support::SupabaseMode::Hang);
    let (url, anon) = (fake.url(), fake.anon_key());
    let app = app(&[
        ("SUPABASE_URL", &url),
        ("SUPABASE_ANON_KEY", &anon),
        ("SUPABASE_TIMEOUT_MS", "300"),
    ])
    .await;
    let started = std::time::Instant::now();
    let answer = send(
        &app,
        empty(get("/api/me").header("authorization", format!("Bearer {token}"))),
    )
    .await;
    answer.assert_error(StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[derive(Debug, Default)]
struct CountingCache(AtomicUsize);

impl SecretsCache for CountingCache {
    fn clear(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst);
        3
    }
}

#[tokio::test]
async fn clear_cache_is_for_owners_only() {
    let fake = FakeSupabase::start().await;
    let owner = fake.sign_in(&FakeUser::discord("u-owner", "o@example.com", OWNER));
    let other = fake.sign_in(&FakeUser::discord("u-other", "x@example.com", 42));
    let email_only = fake.sign_in(&FakeUser::email("u-mail", "m@example.com"));
    let (url, anon) = (fake.url(), fake.anon_key());
    let owners = OWNER.to_string();
    let vars = [
        ("API_KEY", KEY),
        ("SUPABASE_URL", url.as_str()),
        ("SUPABASE_ANON_KEY", anon.as_str()),
        ("OWNER_IDS", owners.as_str()),
    ];
    let cache = Arc::new(CountingCache::default());
    let app = app(&vars).await.with_secrets_cache(cache.clone());
    let post = |token: &str| {
        empty(
            Request::post("/api/admin/secrets/clear-cache")
                .header("authorization", format!("Bearer {token}")),
        )
    };
    for token in [&other, &email_only] {
        send(&app, post(token))
            .await
            .assert_error(StatusCode::FORBIDDEN);
    }
    // A service key is not an owner either.
    send(
        &app,
        empty(Request::post("/api/admin/secrets/clear-cache").header("x-api-key", KEY)),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN);
    send(&app, empty(Request::post("/api/admin/secrets/clear-cache")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    assert_eq!(cache.0.load(Ordering::SeqCst), 0);

    let cleared = send(&app, post(&owner)).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(cleared.json()["entries"], 3);
    assert_eq!(cache.0.load(Ordering::SeqCst), 1);

    send(
        &app,
        empty(
            get("/api/admin/secrets/clear-cache")
                .header("authorization", format!("Bearer {owner}")),
        ),
    )
    .await
    .assert_error(StatusCode::METHOD_NOT_ALLOWED);
    let unknown =
        empty(Request::post("/api/admin/other").header("authorization", format!("Bearer {owner}")));
    send(&app, unknown)
        .await
        .assert_error(StatusCode::NOT_FOUND);

    // Without a secrets cache wired in, an owner hears so: 409, not 503.
    let bare = self::app(&vars).await;
    let answer = send(&bare, post(&owner)).await;
    answer.assert_error(StatusCode::CONFLICT);
    assert_eq!(answer.json()["error"], "no secrets cache is configured");
}

fn signed(name: &str, id: &str, body: &'static [u8]) -> Request<Full<Bytes>> {
    let secret = Secret::parse(WEBHOOK_SECRET).unwrap();
    let headers = sign_headers(&secret, id, unix_now(), body).unwrap();
    let mut builder = Request::post(format!("/webhooks/{name}"))
        .header("content-type", "application/json")
        .header("x-request-id", format!("req-{id}"));
    for (k, v) in &headers {
        builder = builder.header(k, v);
    }
    builder.body(Full::new(Bytes::from_static(body))).unwrap()
}

/// Waits until `check` holds (the worker delivers in the background).
async fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn webhooks_are_verified_persisted_then_delivered_once() {
    let upstream = RecordingUpstream::start().await;
    let url = upstream.url();
    let app = app(&[
        ("SUPABASE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("FOUNDER_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("UPSTREAM_URL", &url),
        ("API_KEY", KEY),
    ])
    .await;
    let body: &'static [u8] = b"{\"type\":\"user.created\",\"n\":\"\xc3\xa9\\u0000\"}";

    let first = send(&app, signed("supabase-auth", "msg_1", body)).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text());
    assert_eq!(first.json()["status"], "accepted");
    eventually("first delivery", || upstream.received().len() == 1).await;
    let got = upstream.received();
    assert_eq!(got[0].method, Method::POST);
    assert_eq!(got[0].uri, "/webhooks/supabase-auth");
    assert_eq!(&got[0].body[..], body, "forwarded byte for byte");
    assert_eq!(got[0].headers["content-type"], "application/json");
    assert_eq!(got[0].headers["x-request-id"], "req-msg_1");
    assert_eq!(got[0].headers["x-webhook-verified"], "true");
    assert_eq!(got[0].headers["webhook-id"], "msg_1");
    assert_eq!(got[0].headers["idempotency-key"], "msg_1");
    assert_eq!(got[0].headers["x-webhook-attempt"], "1");
    assert!(got[0].headers.contains_key("webhook-timestamp"));
    assert!(!got[0].headers.contains_key("webhook-signature"));

    // The same delivery again: acknowledged, not stored or sent twice.
    let again = send(&app, signed("supabase-auth", "msg_1", body)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["status"], "duplicate");
    // Nor sent to another webhook with the same secret: the signature does
    // not say which endpoint it was for (an Auth hook re-sent to the
    // erasure handler must not erase anyone).
    let elsewhere = send(&app, signed("gdpr-erasure", "msg_1", body)).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text());
    assert_eq!(elsewhere.json()["status"], "duplicate");

    // Bad and missing signatures.
    let mut tampered = signed("supabase-auth", "msg_2", body);
    *tampered.body_mut() = Full::new(Bytes::from_static(b"{\"type\":\"user.deleted\"}"));
    send(&app, tampered)
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    send(&app, empty(Request::post("/webhooks/founder")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    // supabase-auth refuses the plain scheme even with a right signature.
    let secret = Secret::parse(WEBHOOK_SECRET).unwrap();
    let plain = secret.sign_plain(body).unwrap();
    let downgrade = Request::post("/webhooks/supabase-auth")
        .header("x-signature-256", plain.clone())
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    send(&app, downgrade)
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    // ...which founder accepts; the client's unverified webhook-id and
    // webhook-timestamp never reach the upstream, the derived id does.
    let founder = || {
        Request::post("/webhooks/founder")
            .header("x-signature-256", plain.clone())
            .header("webhook-id", "chosen-by-client")
            .header("webhook-timestamp", "1")
            .body(Full::new(Bytes::from_static(body)))
            .unwrap()
    };
    assert_eq!(send(&app, founder()).await.status, StatusCode::ACCEPTED);
    eventually("plain delivery", || upstream.received().len() == 2).await;
    let got = upstream.received();
    assert_eq!(got[1].uri, "/webhooks/founder");
    assert_eq!(got[1].headers["x-webhook-verified"], "true");
    assert!(!got[1].headers.contains_key("webhook-id"));
    assert!(!got[1].headers.contains_key("webhook-timestamp"));
    let derived = alphaguard_webhook_hmac::replay::derived_id("founder", body);
    assert_eq!(got[1].headers["idempotency-key"], derived.as_str());
    // Its replay within the tolerance is caught by that id.
    let replay = send(&app, founder()).await;
    assert_eq!(replay.json()["status"], "duplicate");

    // Upstream failure: the sender already has its 202; the worker retries
    // until the upstream takes it. The sender's own retry meanwhile is a
    // duplicate, never lost.
    upstream.respond(500, r#"{"trace":"Traceback (most recent call last)"}"#);
    let failing = send(&app, signed("supabase-auth", "msg_3", body)).await;
    assert_eq!(failing.status, StatusCode::ACCEPTED);
    let msg_3 = || {
        upstream
            .received()
            .iter()
            .filter(|r| r.headers["idempotency-key"] == "msg_3")
            .count()
    };
    eventually("two failed attempts", || msg_3() >= 2).await;
    let retried = send(&app, signed("supabase-auth", "msg_3", body)).await;
    assert_eq!(retried.json()["status"], "duplicate");
    upstream.respond(204, "");
    let inbox = app.inbox().clone();
    let mut pending = u64::MAX;
    for _ in 0..500 {
        pending = inbox.summary().await.unwrap().pending;
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(pending, 0, "msg_3 never delivered");
    let attempts: Vec<String> = upstream
        .received()
        .iter()
        .filter(|r| r.headers["idempotency-key"] == "msg_3")
        .map(|r| r.headers["x-webhook-attempt"].to_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (1..=attempts.len()).map(|n| n.to_string()).collect();
    assert_eq!(attempts, expected);

    // The observability view counts deliveries by outcome. A delivery is
    // counted just after the store marks it delivered: the count may lag
    // the pending figure read above by a moment.
    let mut view = serde_json::Value::Null;
    for _ in 0..500 {
        view = send(
            &app,
            empty(get("/api/observability").header("x-api-key", KEY)),
        )
        .await
        .json();
        if view["deliveries"]["delivered"] == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let d = &view["deliveries"];
    assert_eq!(d["accepted"], 3, "{d}");
    assert_eq!(d["duplicate"], 4, "{d}");
    assert_eq!(d["delivered"], 3, "{d}");
    assert!(d["retried"].as_u64().unwrap() >= 2, "{d}");
    assert_eq!(d["dead_lettered"], 0, "{d}");
}

#[tokio::test]
async fn a_full_inbox_answers_503_with_retry_after_never_2xx() {
    let app = app(&[
        ("FOUNDER_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("WEBHOOK_INBOX_MAX_PENDING", "1"),
    ])
    .await;
    assert_eq!(
        send(&app, signed("founder", "one", b"{}")).await.status,
        StatusCode::ACCEPTED
    );
    let full = send(&app, signed("founder", "two", b"{}")).await;
    full.assert_error(StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = full.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    // The one it holds is still recognised.
    let again = send(&app, signed("founder", "one", b"{}")).await;
    assert_eq!(again.json()["status"], "duplicate");
}

#[tokio::test]
async fn dead_letters_are_for_owners_to_list_and_redeliver() {
    let fake = FakeSupabase::start().await;
    let owner = fake.sign_in(&FakeUser::discord("u-owner", "o@example.com", OWNER));
    let other = fake.sign_in(&FakeUser::discord("u-other", "x@example.com", 42));
    let upstream = RecordingUpstream::start().await;
    upstream.respond(503, "{}");
    let (url, anon, up) = (fake.url(), fake.anon_key(), upstream.url());
    let owners = OWNER.to_string();
    let app = app(&[
        ("SUPABASE_URL", url.as_str()),
        ("SUPABASE_ANON_KEY", anon.as_str()),
        ("OWNER_IDS", owners.as_str()),
        ("FOUNDER_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("LEGAL_UPDATE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("UPSTREAM_URL", up.as_str()),
        ("WEBHOOK_DELIVERY_MAX_ATTEMPTS", "3"),
    ])
    .await;
    for (hook, id) in [
        ("founder", "f1"),
        ("legal-update", "l1"),
        ("legal-update", "l2"),
    ] {
        assert_eq!(
            send(&app, signed(hook, id, b"{}")).await.status,
            StatusCode::ACCEPTED
        );
    }
    let as_user = |token: &str, builder: http::request::Builder, body: &str| {
        builder
            .header("authorization", format!("Bearer {token}"))
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap()
    };
    let list = |token: &str| as_user(token, get("/api/admin/webhooks/dead-letters"), "");
    let mut dead = Value::Null;
    for _ in 0..500 {
        dead = send(&app, list(&owner)).await.json();
        if dead["dead_letters"]
            .as_array()
            .is_some_and(|a| a.len() == 3)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let letters = dead["dead_letters"].as_array().unwrap();
    assert_eq!(letters.len(), 3, "{dead}");
    assert_eq!(letters[0]["attempts"], 3);
    assert_eq!(letters[0]["last_error"], "status 503");
    assert!(letters[0].get("body").is_none(), "never a body");
    assert_eq!(upstream.received().len(), 9, "3 attempts each");

    // Not for anyone else.
    send(&app, list(&other))
        .await
        .assert_error(StatusCode::FORBIDDEN);
    let redeliver = |token: &str, body: &str| {
        as_user(
            token,
            Request::post("/api/admin/webhooks/dead-letters/redeliver"),
            body,
        )
    };
    send(
        &app,
        redeliver(&other, r#"{"webhook":"founder","id":"f1"}"#),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN);
    let summary = send(&app, as_user(&owner, get("/api/admin/webhooks/inbox"), "")).await;
    assert_eq!(summary.status, StatusCode::OK);
    let summary = summary.json();
    assert_eq!(summary["dead_letters"], 3);
    assert_eq!(summary["pending"], 0);
    assert_eq!(summary["store"], "memory");

    // The upstream is back: an owner redelivers one, then all.
    upstream.respond(200, "{}");
    send(&app, redeliver(&owner, "not json"))
        .await
        .assert_error(StatusCode::BAD_REQUEST);
    send(
        &app,
        redeliver(&owner, r#"{"webhook":"founder","id":"nope"}"#),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND);
    let one = send(
        &app,
        redeliver(&owner, r#"{"webhook":"founder","id":"f1"}"#),
    )
    .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text());
    assert_eq!(one.json()["count"], 1);
    eventually("f1 redelivered", || upstream.received().len() == 10).await;
    let all = send(
        &app,
        as_user(
            &owner,
            Request::post("/api/admin/webhooks/dead-letters/redeliver-all"),
            "",
        ),
    )
    .await;
    assert_eq!(all.json()["count"], 2);
    eventually("all redelivered", || upstream.received().len() == 12).await;
    let got = upstream.received();
    let last: Vec<&str> = got[10..]
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap())
        .collect();
    assert_eq!(last, ["l1", "l2"], "in order");
    let summary = send(&app, as_user(&owner, get("/api/admin/webhooks/inbox"), ""))
        .await
        .json();
    assert_eq!(summary["dead_letters"], 0);
}

#[tokio::test]
async fn webhook_size_limit_and_no_upstream() {
    let app = app(&[("FOUNDER_WEBHOOK_SECRET", WEBHOOK_SECRET)]).await;
    let declared = Request::post("/webhooks/founder")
        .header("content-length", (1024 * 1024 + 1).to_string())
        .body(Full::new(Bytes::new()))
        .unwrap();
    send(&app, declared)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE);
    let streamed = Request::post("/webhooks/founder")
        .body(Full::new(Bytes::from(vec![b'x'; 1024 * 1024 + 1])))
        .unwrap();
    send(&app, streamed)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE);
    // At the limit: verified, then 202 with no upstream configured.
    let body: &'static [u8] = Box::leak(vec![b'y'; 1024 * 1024].into_boxed_slice());
    let accepted = send(&app, signed("founder", "big", body)).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn upstream_timeout_is_502_for_api_calls_and_no_wait_for_webhooks() {
    let upstream = RecordingUpstream::start().await;
    upstream.delay(Duration::from_secs(5));
    let url = upstream.url();
    let app = app(&[
        ("FOUNDER_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("UPSTREAM_URL", &url),
        ("UPSTREAM_TIMEOUT_MS", "300"),
        ("API_KEY", KEY),
    ])
    .await;
    let started = std::time::Instant::now();
    // A hanging upstream no longer holds the sender: the delivery is
    // persisted and acknowledged at once.
    let webhook = send(&app, signed("founder", "slow", b"{}")).await;
    assert_eq!(webhook.status, StatusCode::ACCEPTED);
    assert!(started.elapsed() < Duration::from_millis(250));
    send(&app, empty(get("/api/things").header("x-api-key", KEY)))
        .await
        .assert_error(StatusCode::BAD_GATEWAY);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn rate_limits_by_tier_and_client() {
    let map: HashMap<String, String> = [
        ("RATE_LIMIT_WEBHOOK_PER_MIN", "2"),
        ("RATE_LIMIT_WRITE_PER_MIN", "1"),
        ("RATE_LIMIT_READ_PER_MIN", "100"),
        ("TRUSTED_PROXIES", "10.0.0.0/8"),
        ("WEBHOOK_INBOX_URL", "memory:"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let app = App::build(Settings::from_lookup(&move |n| map.get(n).cloned()).unwrap())
        .await
        .unwrap();
    let post = || empty(Request::post("/webhooks/founder"));
    assert_eq!(send(&app, post()).await.status, StatusCode::ACCEPTED);
    // The same (empty) body again: a duplicate, still counted.
    assert_eq!(send(&app, post()).await.status, StatusCode::OK);
    let limited = send(&app, post()).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert_eq!(limited.headers["ratelimit-policy"], "webhook;q=2;w=60");
    assert!(
        limited.headers["ratelimit"]
            .to_str()
            .unwrap()
            .starts_with("webhook;r=0;")
    );
    // Webhooks have their own tier: writes to the API are still open...
    let write = send(&app, empty(Request::delete("/api/x"))).await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    assert_eq!(write.headers["ratelimit-policy"], "write;q=1;w=60");
    // ...once.
    send(&app, empty(Request::delete("/api/x")))
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS);
    // Reads are a separate tier.
    assert_eq!(
        send(&app, empty(get("/health"))).await.status,
        StatusCode::OK
    );
    // Another client has its own budget.
    let elsewhere = SocketAddr::from(([198, 51, 100, 1], 1));
    assert!(
        send_from(&app, post(), elsewhere).await.status.is_success(),
        "2xx (a first delivery or its duplicate)"
    );
    // X-Forwarded-For is believed from a trusted proxy only.
    let proxy = SocketAddr::from(([10, 0, 0, 5], 1));
    let via = |client: &str| {
        empty(Request::post("/webhooks/founder").header("x-forwarded-for", client.to_owned()))
    };
    assert!(
        send_from(&app, via("192.0.2.1"), proxy)
            .await
            .status
            .is_success(),
        "2xx (a first delivery or its duplicate)"
    );
    assert!(
        send_from(&app, via("192.0.2.2"), proxy)
            .await
            .status
            .is_success(),
        "2xx (a first delivery or its duplicate)"
    );
    // From an untrusted peer the header is ignored: still peer()'s budget.
    send(&app, via("192.0.2.3"))
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn api_calls_are_authenticated_and_forwarded_with_verified_identity() {
    let fake = FakeSupabase::start().await;
    let token = fake.sign_in(&FakeUser::discord("u-42", "a@example.com", OWNER));
    let upstream = RecordingUpstream::start().await;
    let (url, anon, up) = (fake.url(), fake.anon_key(), upstream.url());
    let app = app(&[
        ("API_KEY", KEY),
        ("SUPABASE_URL", &url),
        ("SUPABASE_ANON_KEY", &anon),
        ("UPSTREAM_URL", &up),
    ])
    .await;

    send(&app, empty(get("/api/things")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    assert!(upstream.received().is_empty());

    let body: &'static [u8] = b"\x00\x01binary\xffpayload";
    let request = Request::put("/api/things/7?x=1&y=%20")
        .header("authorization", format!("Bearer {token}"))
        .header("x-user-id", "admin")
        .header("x-forwarded-user", "root")
        .header("x_auth_request_email", "root@example.com")
        .header("x-webhook-verified", "true")
        .header("x-forwarded-for", "6.6.6.6")
        .header("connection", "x-secret-hop")
        .header("x-secret-hop", "drop me")
        .header("x-custom", "not on the allow-list")
        .header("x-request-id", "trace-1")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.headers["x-upstream"], "yes");
    assert!(!answer.headers.contains_key("keep-alive"));
    assert_eq!(answer.request_id(), "trace-1");
    assert_eq!(answer.json()["upstream"], "ok");

    let got = upstream.received();
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.method, Method::PUT);
    assert_eq!(r.uri, "/api/things/7?x=1&y=%20");
    assert_eq!(&r.body[..], body);
    assert_eq!(r.headers["x-user-id"], "u-42");
    assert_eq!(r.headers["x-user-role"], "authenticated");
    assert_eq!(r.headers["x-auth-method"], "supabase_jwt");
    assert_eq!(r.headers["x-discord-id"], OWNER.to_string());
    assert_eq!(r.headers["x-request-id"], "trace-1");
    assert_eq!(r.headers["x-forwarded-for"], "203.0.113.7");
    // The bearer token produced the identity, so it goes on (row-level
    // security upstream); headers off the allow-list do not.
    assert_eq!(r.headers["authorization"], format!("Bearer {token}"));
    for gone in [
        "x-custom",
        "x-forwarded-user",
        "x_auth_request_email",
        "x-webhook-verified",
        "x-secret-hop",
        "x-api-key",
    ] {
        assert!(!r.headers.contains_key(gone), "{gone} reached the upstream");
    }
    assert_eq!(r.headers.get_all("x-user-id").iter().count(), 1);

    // An API-key caller: no user id is invented.
    send(&app, empty(get("/api/things").header("x-api-key", KEY))).await;
    let r = upstream.received().pop().unwrap();
    assert_eq!(r.headers["x-auth-method"], "api_key");
    assert!(!r.headers.contains_key("x-user-id"));
    assert!(!r.headers.contains_key("x-api-key"));

    // Upstream answers pass through, except 5xx, which never show their body.
    upstream.respond(404, r#"{"detail":"no such thing"}"#);
    let missing = send(&app, empty(get("/api/things/8").header("x-api-key", KEY))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["detail"], "no such thing");
    upstream.respond(500, "Traceback: secret internals");
    let hidden = send(&app, empty(get("/api/things/9").header("x-api-key", KEY))).await;
    hidden.assert_error(StatusCode::BAD_GATEWAY);
    assert!(!hidden.text().contains("Traceback"));

    let big = Request::post("/api/upload")
        .header("x-api-key", KEY)
        .header("content-length", (10 * 1024 * 1024 + 1).to_string())
        .body(Full::new(Bytes::new()))
        .unwrap();
    send(&app, big)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn api_without_upstream_is_404_and_a_dead_upstream_502() {
    let app = app(&[("API_KEY", KEY)]).await;
    send(&app, empty(get("/api/things").header("x-api-key", KEY)))
        .await
        .assert_error(StatusCode::NOT_FOUND);
    // Authentication comes first: no key, 401 even without an upstream.
    send(&app, empty(get("/api/things")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED);

    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let app = self::app(&[("API_KEY", KEY), ("UPSTREAM_URL", &dead)]).await;
    send(&app, empty(get("/api/things").header("x-api-key", KEY)))
        .await
        .assert_error(StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn the_drive_mirror_runs_and_owners_clear_the_credentials_cache() {
    use std::io::Write as _;

    let google = alphaguard_test_support::FakeGoogle::start().await;
    google.add_secret_version(
        "fake-project",
        "alphapy-google-credentials",
        google.service_account_json().as_bytes(),
    );
    google.add_file(
        "1Folder",
        "doc.pdf",
        "application/pdf",
        alphaguard_test_support::FileContent::Bytes(Bytes::from_static(b"%PDF-1.7 doc")),
    );
    let mut key_file = tempfile::NamedTempFile::new().unwrap();
    key_file
        .write_all(google.service_account_json().as_bytes())
        .unwrap();
    let mirror = tempfile::tempdir().unwrap();
    let supabase = FakeSupabase::start().await;
    let owner = supabase.sign_in(&FakeUser::discord("u-owner", "o@example.com", OWNER));
    let (url, anon, owners) = (supabase.url(), supabase.anon_key(), OWNER.to_string());
    let (g_url, key_path, dir) = (
        google.url(),
        key_file.path().to_string_lossy().into_owned(),
        mirror.path().to_string_lossy().into_owned(),
    );
    let app = app(&[
        ("SUPABASE_URL", &url),
        ("SUPABASE_ANON_KEY", &anon),
        ("OWNER_IDS", &owners),
        ("GOOGLE_PROJECT_ID", "fake-project"),
        ("SECRET_MANAGER_ENDPOINT", &g_url),
        ("GOOGLE_APPLICATION_CREDENTIALS", &key_path),
        ("DRIVE_FOLDER_ID", "1Folder"),
        ("DRIVE_SYNC_DIR", &dir),
        ("DRIVE_API_ROOT_URL", &g_url),
    ])
    .await;

    // The mirror runs in the background at start.
    let target = mirror.path().join("doc.pdf");
    let started = std::time::Instant::now();
    while !target.exists() && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"%PDF-1.7 doc");
    assert_eq!(google.hits("access"), 1, "the key came from Secret Manager");

    let cleared = send(
        &app,
        empty(
            Request::post("/api/admin/secrets/clear-cache")
                .header("authorization", format!("Bearer {owner}")),
        ),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text());
    assert_eq!(cleared.json()["entries"], 1);

    // The owner surface of the mirror: status, and a run on demand.
    let as_owner = |builder: http::request::Builder| {
        empty(builder.header("authorization", format!("Bearer {owner}")))
    };
    let status = || as_owner(get("/api/admin/drive/status"));
    let sync = || as_owner(Request::post("/api/admin/drive/sync"));
    let mut seen = send(&app, status()).await;
    let waited = std::time::Instant::now();
    while seen.json()["runs"] == 0 && waited.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = send(&app, status()).await;
    }
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
    let last = &seen.json()["last"];
    assert_eq!(last["trigger"], "schedule");
    assert_eq!(last["outcome"], "ok");
    assert_eq!(last["downloaded"], 1);

    // A run held mid-flight: a second ask is 409, and the status says running.
    google.hold_answers();
    let started = send(&app, sync()).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text());
    assert_eq!(started.json()["status"], "started");
    let busy = send(&app, sync()).await;
    busy.assert_error(StatusCode::CONFLICT);
    assert_eq!(busy.json()["error"], "a Drive mirror run is already going");
    assert_eq!(send(&app, status()).await.json()["running"], true);
    google.release_answers();
    let waited = std::time::Instant::now();
    loop {
        let now = send(&app, status()).await.json();
        if now["runs"] == 2 && now["running"] == false {
            assert_eq!(now["last"]["trigger"], "owner");
            assert_eq!(now["last"]["outcome"], "ok");
            assert_eq!(now["last"]["unchanged"], 1);
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(10), "{now}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn drive_owner_routes_are_for_owners_and_say_when_no_mirror_is_configured() {
    let supabase = FakeSupabase::start().await;
    let owner = supabase.sign_in(&FakeUser::discord("u-owner", "o@example.com", OWNER));
    let other = supabase.sign_in(&FakeUser::discord("u-other", "x@example.com", 42));
    let (url, anon, owners) = (supabase.url(), supabase.anon_key(), OWNER.to_string());
    let app = app(&[
        ("API_KEY", KEY),
        ("SUPABASE_URL", &url),
        ("SUPABASE_ANON_KEY", &anon),
        ("OWNER_IDS", &owners),
    ])
    .await;
    let log = Captured::default();
    let _logging = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish(),
    );
    for (method, path) in [
        (Method::POST, "/api/admin/drive/sync"),
        (Method::GET, "/api/admin/drive/status"),
    ] {
        let ask = |auth: Option<(&str, String)>| {
            let mut builder = Request::builder().method(method.clone()).uri(path);
            if let Some((name, value)) = auth {
                builder = builder.header(name, value);
            }
            empty(builder)
        };
        send(&app, ask(None))
            .await
            .assert_error(StatusCode::UNAUTHORIZED);
        send(
            &app,
            ask(Some(("authorization", format!("Bearer {other}")))),
        )
        .await
        .assert_error(StatusCode::FORBIDDEN);
        send(&app, ask(Some(("x-api-key", KEY.to_owned()))))
            .await
            .assert_error(StatusCode::FORBIDDEN);
        let answer = send(
            &app,
            ask(Some(("authorization", format!("Bearer {owner}")))),
        )
        .await;
        answer.assert_error(StatusCode::CONFLICT);
        assert_eq!(answer.json()["error"], "no Drive mirror is configured");
    }
    let wrong = empty(
        Request::get("/api/admin/drive/sync").header("authorization", format!("Bearer {owner}")),
    );
    send(&app, wrong)
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED);

    // One AUDIT line per owner action, refused or not: who, what, outcome;
    // never the token.
    let log = log.text();
    let audit: Vec<&str> = log.lines().filter(|l| l.contains("AUDIT")).collect();
    assert_eq!(audit.len(), 8, "{log}");
    for line in &audit {
        assert!(line.contains("alphaguard::audit"), "{line}");
        assert!(line.contains("action=\"admin_drive_"), "{line}");
    }
    let outcomes = |outcome: &str| {
        audit
            .iter()
            .filter(|l| l.contains(&format!("outcome=\"{outcome}\"")))
            .count()
    };
    assert_eq!(outcomes("refused"), 6, "{log}");
    assert_eq!(outcomes("not_configured"), 2, "{log}");
    assert_eq!(
        audit
            .iter()
            .filter(|l| l.contains(&format!("discord_id={OWNER}")))
            .count(),
        2,
        "{log}"
    );
    assert!(!log.contains(&owner) && !log.contains(&other) && !log.contains(KEY));
}

/// A log sink for one test.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}
