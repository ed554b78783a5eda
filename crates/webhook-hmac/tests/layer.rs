//! The tower layer: routing by name, body limits before and while buffering,
//! verification, and replay handling with a real in-memory guard.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alphaguard_webhook_hmac::layer::{DEFAULT_BODY_LIMIT, WebhookLayer, WebhookRequest};
use alphaguard_webhook_hmac::{
    Accept, FakeClock, MemoryReplayGuard, Registry, RegistryOptions, Scheme, Secret, standard,
};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::channel::Channel;
use http_body_util::{BodyExt, Full};
use tower::{Service, ServiceBuilder, ServiceExt, service_fn};

const SECRET: &str = "v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const NOW: u64 = 1_700_000_000;

/// What the inner service saw, and what it should answer.
#[derive(Clone, Default)]
struct Upstream {
    seen: Arc<Mutex<Vec<(WebhookRequest, Bytes)>>>,
    calls: Arc<AtomicUsize>,
    status: Arc<Mutex<Option<StatusCode>>>,
}

fn app(
    upstream: Upstream,
    guard: Option<Arc<MemoryReplayGuard>>,
) -> impl Service<Request<Full<Bytes>>, Response = Response<Full<Bytes>>, Error = Infallible> + Clone
{
    app_with(upstream, guard)
}

/// The app over any request body type (the channel body is not `Full`).
fn app_with<B>(
    upstream: Upstream,
    guard: Option<Arc<MemoryReplayGuard>>,
) -> impl Service<Request<B>, Response = Response<Full<Bytes>>, Error = Infallible, Future: Send> + Clone
where
    B: http_body::Body<Data = Bytes, Error = Infallible> + Send + 'static,
{
    let clock = FakeClock::from_unix_secs(NOW);
    let options = RegistryOptions {
        clock: Arc::new(clock),
        ..RegistryOptions::default()
    };
    let registry = Registry::build(
        &HOOKS,
        |var| (var == "SUPABASE_WEBHOOK_SECRET").then(|| SECRET.to_owned()),
        options,
    )
    .unwrap();
    let mut layer = WebhookLayer::new(Arc::new(registry));
    if let Some(guard) = guard {
        layer = layer.replay_guard(guard);
    }
    ServiceBuilder::new()
        .layer(layer)
        .service(service_fn(move |req: Request<Full<Bytes>>| {
            let upstream = upstream.clone();
            async move {
                upstream.calls.fetch_add(1, Ordering::SeqCst);
                let hook = req.extensions().get::<WebhookRequest>().cloned().unwrap();
                let body = req.into_body().collect().await.unwrap().to_bytes();
                upstream.seen.lock().unwrap().push((hook, body));
                let status = upstream.status.lock().unwrap().unwrap_or(StatusCode::OK);
                let mut response = Response::new(Full::new(Bytes::from_static(b"ok")));
                *response.status_mut() = status;
                Ok::<_, Infallible>(response)
            }
        }))
}

fn signed_request(name: &str, id: &str, body: &[u8]) -> Request<Full<Bytes>> {
    let headers = standard::sign_headers(&Secret::parse(SECRET).unwrap(), id, NOW, body).unwrap();
    let mut request = Request::post(format!("/webhooks/{name}"))
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    request.headers_mut().extend(headers);
    request
}

async fn body_text(response: Response<Full<Bytes>>) -> String {
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
}

#[tokio::test]
async fn verified_requests_pass_with_the_body_intact() {
    let upstream = Upstream::default();
    let body: Vec<u8> = (0..=255u8).collect();
    let response = app(upstream.clone(), None)
        .oneshot(signed_request("supabase-auth", "msg_1", &body))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seen = upstream.seen.lock().unwrap();
    let (hook, received) = &seen[0];
    assert_eq!(hook.name, "supabase-auth");
    let verified = hook.verified.as_ref().unwrap();
    assert_eq!(verified.scheme, Scheme::Standard);
    assert_eq!(verified.webhook_id.as_deref(), Some("msg_1"));
    assert_eq!(received.as_ref(), body.as_slice());
}

#[tokio::test]
async fn bad_signatures_unknown_names_and_unconfigured_hooks() {
    let upstream = Upstream::default();
    let svc = app(upstream.clone(), None);

    let mut tampered = signed_request("supabase-auth", "msg_1", b"{}");
    *tampered.body_mut() = Full::new(Bytes::from_static(b"{ }"));
    let response = svc.clone().oneshot(tampered).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        body_text(response).await,
        r#"{"error":"invalid signature"}"#
    );

    for path in [
        "/webhooks/nope",
        "/webhooks/",
        "/webhooks/founder/x",
        "/other/founder",
    ] {
        let request = Request::post(path).body(Full::new(Bytes::new())).unwrap();
        let response = svc.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // No secret for `founder`: passed on unverified, as the seed does in
    // development.
    let request = Request::post("/webhooks/founder")
        .body(Full::new(Bytes::from("{}")))
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seen = upstream.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0.name, "founder");
    assert!(seen[0].0.verified.is_none());
}

#[tokio::test]
async fn body_limit_exact_passes_one_over_fails() {
    let upstream = Upstream::default();
    let svc = app(upstream.clone(), None);
    let exact = vec![b'a'; DEFAULT_BODY_LIMIT];
    let response = svc
        .clone()
        .oneshot(signed_request("supabase-auth", "big", &exact))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let over = vec![b'a'; DEFAULT_BODY_LIMIT + 1];
    let response = svc
        .clone()
        .oneshot(signed_request("supabase-auth", "big2", &over))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        body_text(response).await,
        r#"{"error":"payload too large"}"#
    );
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn declared_length_is_refused_before_reading_anything() {
    let svc = app_with(Upstream::default(), None);
    // A body that never sends a byte: reading it would hang the test.
    let (_tx, body) = Channel::<Bytes, Infallible>::new(1);
    let request = Request::post("/webhooks/supabase-auth")
        .header("content-length", (DEFAULT_BODY_LIMIT + 1).to_string())
        .body(body)
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(5), svc.oneshot(request))
        .await
        .expect("answered without reading the body")
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn streamed_body_is_cut_at_the_limit() {
    let svc = app_with(Upstream::default(), None);
    let (mut tx, body) = Channel::<Bytes, Infallible>::new(4);
    let request = Request::post("/webhooks/supabase-auth").body(body).unwrap();
    let sender = tokio::spawn(async move {
        // 1 MiB + 1 byte in 64 KiB chunks, with no Content-Length; the sender
        // stops when the layer drops the body.
        for _ in 0..16 {
            if tx
                .send_data(Bytes::from(vec![b'x'; 64 * 1024]))
                .await
                .is_err()
            {
                return;
            }
        }
        let _ = tx.send_data(Bytes::from_static(b"x")).await;
    });
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    sender.await.unwrap();
}

#[tokio::test]
async fn repeats_are_acknowledged_once_and_failures_are_forgotten() {
    let upstream = Upstream::default();
    let clock = FakeClock::from_unix_secs(NOW);
    let guard = Arc::new(MemoryReplayGuard::with_clock(100, Arc::new(clock)));
    let svc = app(upstream.clone(), Some(Arc::clone(&guard)));

    let first = svc
        .clone()
        .oneshot(signed_request("supabase-auth", "msg_r", b"{}"))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let again = svc
        .clone()
        .oneshot(signed_request("supabase-auth", "msg_r", b"{}"))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(body_text(again).await, r#"{"status":"duplicate"}"#);
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 1);

    // The same id under another webhook is another delivery.
    let other = svc
        .clone()
        .oneshot(signed_request("gdpr-erasure", "msg_r", b"{}"))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 2);

    // A delivery whose processing fails is processed again on retry.
    *upstream.status.lock().unwrap() = Some(StatusCode::BAD_GATEWAY);
    let failed = svc
        .clone()
        .oneshot(signed_request("supabase-auth", "msg_f", b"{}"))
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::BAD_GATEWAY);
    *upstream.status.lock().unwrap() = None;
    let retried = svc
        .clone()
        .oneshot(signed_request("supabase-auth", "msg_f", b"{}"))
        .await
        .unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(body_text(retried).await, "ok");
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 4);
}

/// The webhooks of these tests.
const HOOKS: [alphaguard_webhook_hmac::WebhookSpec; 3] = [
    alphaguard_webhook_hmac::WebhookSpec {
        name: "supabase-auth",
        env_var: "SUPABASE_WEBHOOK_SECRET",
        accept: Accept::Standard,
    },
    alphaguard_webhook_hmac::WebhookSpec {
        name: "gdpr-erasure",
        env_var: "SUPABASE_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
    alphaguard_webhook_hmac::WebhookSpec {
        name: "founder",
        env_var: "FOUNDER_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
];
