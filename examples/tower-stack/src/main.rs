//! alphaguard's tower layers in an axum app, composed with
//! `tower::ServiceBuilder` and answering every refusal in one envelope.
//!
//! Run with `cargo run -p example-tower-stack`: it sends a script of
//! requests through the app (no socket), checks each status and prints
//! them. `cargo run -p example-tower-stack -- serve 127.0.0.1:3000` serves
//! the same app instead.
//!
//! The stack, outermost first:
//!
//! - the peer address from axum's `ConnectInfo` into the request's
//!   extensions, where the rate limiter reads it;
//! - [`RateLimitLayer`]: `read` (GET, 30/min) and `write` (the rest,
//!   3/min) tiers per client;
//! - `/api/*`: [`AuthLayer`] (an `X-Api-Key` here), and on `/api/admin/*`
//!   also [`OwnerLayer`];
//! - `/webhooks/{name}`: [`WebhookLayer`] with a replay guard.
//!
//! Each layer says what its refusal means (status, public message, label:
//! the `Refusal` trait) and renders it through the policy given to
//! `respond_with`: here [`envelope`], `{"error": "<public message>"}`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use alphaguard_auth::layer::{AuthLayer, OwnerLayer};
use alphaguard_auth::{ApiKeys, Authenticator, IdList, Identity};
use alphaguard_config::refusal::Refusal;
use alphaguard_rate_limit::layer::RateLimitLayer;
use alphaguard_rate_limit::{Backend, Classifier, ClientIpResolver, Quota, RateLimiter, Tiers};
use alphaguard_webhook_hmac::layer::{WebhookLayer, WebhookRequest};
use alphaguard_webhook_hmac::replay::MemoryReplayGuard;
use alphaguard_webhook_hmac::{Accept, Registry, Secret, WebhookSpec, standard};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Extension};
use axum::routing::{get, post};
use bytes::Bytes;
use http::{Extensions, Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use tower::{ServiceBuilder, ServiceExt};

/// Refusals rendered by [`envelope`].
static REFUSALS: AtomicUsize = AtomicUsize::new(0);

const API_KEY: &str = "an-example-service-key-0123456789";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OWNER: &str = "123456789012345678";

const HOOKS: [WebhookSpec; 1] = [WebhookSpec {
    name: "founder",
    env_var: "FOUNDER_WEBHOOK_SECRET",
    accept: Accept::Either,
}];

/// The app's error envelope: every layer's refusal, one shape. The
/// label (`rate_limited`, `missing credentials`, ...) is for logs and
/// metrics, never the client: here it is counted, and the body says only
/// the public message.
fn envelope(refusal: &dyn Refusal, _: &Extensions) -> Response<Body> {
    REFUSALS.fetch_add(1, Ordering::Relaxed);
    let body = serde_json::json!({ "error": refusal.public_message() });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = refusal.status();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    if refusal.status() == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

async fn me(
    Extension(who): Extension<Identity>,
) -> ([(header::HeaderName, &'static str); 1], String) {
    let body = serde_json::json!({ "method": who.method.as_str() });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
}

async fn admin_ping() -> &'static str {
    "pong"
}

async fn webhook(Extension(hook): Extension<WebhookRequest>, body: Bytes) -> String {
    format!("{} delivered {} bytes", hook.name, body.len())
}

/// The app, or why it could not be built.
fn app() -> Result<Router, String> {
    let keys = ApiKeys::parse(API_KEY).map_err(|e| e.to_string())?;
    let owners = IdList::parse(OWNER).map_err(|e| e.to_string())?;
    let authenticator = Arc::new(Authenticator::new(None, Some(keys)));

    let per_min = |n: u32| {
        std::num::NonZeroU32::new(n)
            .ok_or_else(|| "zero quota".to_owned())
            .and_then(|n| Quota::per_minute(n).map_err(|e| e.to_string()))
    };
    let mut tiers = Tiers::new();
    let read = tiers.add("read", per_min(30)?).map_err(|e| e.to_string())?;
    let write = tiers.add("write", per_min(3)?).map_err(|e| e.to_string())?;
    let classifier = Classifier::new(write).rule(&[Method::GET, Method::HEAD], "", read);
    let limiter = Backend::Memory(Arc::new(RateLimiter::new(tiers)));

    let registry = Registry::from_lookup(&HOOKS, |var| {
        (var == "FOUNDER_WEBHOOK_SECRET").then(|| WEBHOOK_SECRET.to_owned())
    })
    .map_err(|e| e.to_string())?;
    let webhooks = ServiceBuilder::new()
        .layer(
            WebhookLayer::new(Arc::new(registry))
                .replay_guard(Arc::new(MemoryReplayGuard::new(10_000)))
                .respond_with(envelope),
        )
        // The layer hands on the verified body as `Full<Bytes>`.
        .map_request(|request: Request<Full<Bytes>>| request.map(Body::new))
        .service(post(webhook).with_state(()));

    let admin = Router::new()
        .route("/api/admin/ping", post(admin_ping))
        .layer(OwnerLayer::new(owners).respond_with(envelope));
    let api = Router::new()
        .route("/api/me", get(me))
        .merge(admin)
        .layer(AuthLayer::new(authenticator).respond_with(envelope));

    Ok(Router::new()
        .merge(api)
        .route_service("/webhooks/{name}", webhooks)
        .layer(
            ServiceBuilder::new()
                // Outermost: the peer address where the limiter reads it.
                .map_request(|mut request: Request<Body>| {
                    if let Some(ConnectInfo(peer)) = request
                        .extensions()
                        .get::<ConnectInfo<SocketAddr>>()
                        .copied()
                    {
                        request.extensions_mut().insert(peer);
                    }
                    request
                })
                .layer(
                    RateLimitLayer::new(limiter, ClientIpResolver::default(), classifier)
                        .respond_with(envelope),
                ),
        ))
}

/// One scripted request and the status it must get.
struct Step {
    what: &'static str,
    request: Request<Body>,
    expect: StatusCode,
}

fn request(
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &'static [u8],
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder
        .body(Body::from(body))
        .unwrap_or_else(|_| Request::new(Body::empty()));
    // What axum's `into_make_service_with_connect_info` puts there.
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 9], 50_000))));
    request
}

fn script() -> Result<Vec<Step>, String> {
    let secret = Secret::parse(WEBHOOK_SECRET).map_err(|e| e.to_string())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let body: &'static [u8] = br#"{"event":"founder.updated"}"#;
    let signed = standard::sign_headers(&secret, "msg_1", now, body)
        .ok_or_else(|| "cannot sign".to_owned())?;
    let signed: Vec<(String, String)> = signed
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let signed: Vec<(&str, &str)> = signed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let key = [("x-api-key", API_KEY)];
    Ok(vec![
        Step {
            what: "no credentials",
            request: request(Method::GET, "/api/me", &[], b""),
            expect: StatusCode::UNAUTHORIZED,
        },
        Step {
            what: "the service key",
            request: request(Method::GET, "/api/me", &key, b""),
            expect: StatusCode::OK,
        },
        Step {
            what: "a service key is not an owner",
            request: request(Method::POST, "/api/admin/ping", &key, b""),
            expect: StatusCode::FORBIDDEN,
        },
        Step {
            what: "an unsigned delivery",
            request: request(Method::POST, "/webhooks/founder", &[], body),
            expect: StatusCode::UNAUTHORIZED,
        },
        Step {
            what: "a signed delivery (the write tier's 3rd request)",
            request: request(Method::POST, "/webhooks/founder", &signed, body),
            expect: StatusCode::OK,
        },
        Step {
            what: "over the write tier's 3 per minute",
            request: request(Method::POST, "/webhooks/founder", &signed, body),
            expect: StatusCode::TOO_MANY_REQUESTS,
        },
        Step {
            what: "reads have their own budget",
            request: request(Method::GET, "/api/me", &key, b""),
            expect: StatusCode::OK,
        },
    ])
}

/// Sends the script through the app; the steps whose status was not the
/// expected one, as lines.
async fn run_script(app: Router) -> Result<Vec<String>, String> {
    let mut wrong = Vec::new();
    for step in script()? {
        let method = step.request.method().clone();
        let path = step.request.uri().path().to_owned();
        let response = app
            .clone()
            .oneshot(step.request)
            .await
            .unwrap_or_else(|never| match never {});
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        let mark = if status == step.expect { "ok " } else { "BAD" };
        println!(
            "{mark} {method} {path} ({}): {status} {}",
            step.what,
            String::from_utf8_lossy(&body)
        );
        if status != step.expect {
            wrong.push(format!("{}: {status}, expected {}", step.what, step.expect));
        }
    }
    Ok(wrong)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let app = match app() {
        Ok(app) => app,
        Err(e) => {
            eprintln!("cannot build the app: {e}");
            return ExitCode::FAILURE;
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        let addr = args.get(1).map_or("127.0.0.1:3000", String::as_str);
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("serving on http://{addr} (X-Api-Key: {API_KEY})");
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
        return match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server stopped: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match run_script(app).await {
        Ok(wrong) if wrong.is_empty() => ExitCode::SUCCESS,
        Ok(wrong) => {
            eprintln!("{} step(s) got another status:", wrong.len());
            for line in wrong {
                eprintln!("  {line}");
            }
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cannot run the script: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_step_gets_its_status() {
        let app = app().expect("the app builds");
        assert_eq!(run_script(app).await, Ok(Vec::new()));
    }

    #[tokio::test]
    async fn refusals_share_the_envelope_and_a_replay_is_acknowledged_once() {
        let app = app().expect("the app builds");
        let response = app
            .clone()
            .oneshot(request(Method::GET, "/api/me", &[], b""))
            .await
            .unwrap_or_else(|never| match never {});
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body, serde_json::json!({ "error": "unauthorized" }));
        assert!(
            REFUSALS.load(Ordering::Relaxed) > 0,
            "rendered by the envelope"
        );

        let secret = Secret::parse(WEBHOOK_SECRET).expect("secret");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let headers = standard::sign_headers(&secret, "msg_twice", now, b"{}").expect("signed");
        let deliver = || {
            let mut r = request(Method::POST, "/webhooks/founder", &[], b"{}");
            r.headers_mut().extend(headers.clone());
            r
        };
        let first = app
            .clone()
            .oneshot(deliver())
            .await
            .unwrap_or_else(|never| match never {});
        assert_eq!(first.status(), StatusCode::OK);
        let again = app
            .oneshot(deliver())
            .await
            .unwrap_or_else(|never| match never {});
        assert_eq!(again.status(), StatusCode::OK);
        let body = axum::body::to_bytes(again.into_body(), 1024)
            .await
            .expect("body");
        assert_eq!(&body[..], br#"{"status":"duplicate"}"#);
    }
}
