//! The tower layer: keys, tiers, 429s with their headers, and the headers
//! on admitted responses.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use alphaguard_rate_limit::layer::{Limited, RateLimitLayer};
use alphaguard_rate_limit::{
    Backend, Classifier, ClientIpResolver, MemoryStore, Quota, RateLimiter, Tiers,
};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use tower::{Service, ServiceBuilder, ServiceExt, service_fn};

fn app(
    tiers: Tiers,
) -> impl Service<Request<()>, Response = Response<Full<Bytes>>, Error = Infallible> + Clone {
    let limiter = Arc::new(RateLimiter::with_store_and_clock(
        tiers.clone(),
        MemoryStore::default(),
        alphaguard_rate_limit::MonotonicClock::new(),
    ));
    let resolver = ClientIpResolver::new(["10.0.0.0/8".parse().unwrap()]);
    let (probe, read, write) = (
        tiers.get("probe").unwrap(),
        tiers.get("read").unwrap(),
        tiers.get("write").unwrap(),
    );
    let classifier = Classifier::new(write).rule(&[], "/health", probe).rule(
        &[http::Method::GET, http::Method::HEAD, http::Method::OPTIONS],
        "",
        read,
    );
    ServiceBuilder::new()
        .layer(RateLimitLayer::new(
            Backend::Memory(limiter),
            resolver,
            classifier,
        ))
        .service(service_fn(|req: Request<()>| async move {
            let limited = req.extensions().get::<Limited>().copied().unwrap();
            let name = ["probe", "read", "write"][limited.tier.index()];
            let body = format!("{name}:{}", limited.decision.remaining);
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body))))
        }))
}

fn request(method: &str, path: &str, peer: [u8; 4], xff: Option<&str>) -> Request<()> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .body(())
        .unwrap();
    req.extensions_mut().insert(SocketAddr::from((peer, 40000)));
    if let Some(xff) = xff {
        req.headers_mut()
            .insert("x-forwarded-for", xff.parse().unwrap());
    }
    req
}

async fn text(response: Response<Full<Bytes>>) -> String {
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

fn small() -> Tiers {
    let mut tiers = Tiers::new();
    for (name, n) in [("probe", 3), ("read", 2), ("write", 1)] {
        tiers
            .add(name, Quota::per_minute(n.try_into().unwrap()).unwrap())
            .unwrap();
    }
    tiers
}

#[tokio::test]
async fn each_tier_counts_on_its_own_and_refusals_carry_the_headers() {
    let svc = app(small());
    let peer = [192, 0, 2, 1];
    let r = svc
        .clone()
        .oneshot(request("GET", "/health", peer, None))
        .await
        .unwrap();
    assert_eq!(r.headers()["ratelimit-policy"], "probe;q=3;w=60");
    assert_eq!(text(r).await, "probe:2");
    let r = svc
        .clone()
        .oneshot(request("HEAD", "/api/x", peer, None))
        .await
        .unwrap();
    assert_eq!(text(r).await, "read:1");
    let r = svc
        .clone()
        .oneshot(request("OPTIONS", "/api/x", peer, None))
        .await
        .unwrap();
    assert_eq!(text(r).await, "read:0");
    let r = svc
        .clone()
        .oneshot(request("GET", "/api/x", peer, None))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["ratelimit"], "read;r=0;t=72");
    assert_eq!(r.headers()["retry-after"], "72");
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(text(r).await, r#"{"error":"too many requests"}"#);
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let r = svc
            .clone()
            .oneshot(request(method, "/api/x", [192, 0, 2, 77], None))
            .await
            .unwrap();
        let expected = if method == "POST" {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status(), expected, "{method}");
    }
}

#[tokio::test]
async fn forwarded_clients_behind_a_trusted_proxy_are_told_apart() {
    let svc = app(small());
    let proxy = [10, 0, 0, 1];
    let a = svc
        .clone()
        .oneshot(request("POST", "/api/x", proxy, Some("203.0.113.1")))
        .await
        .unwrap();
    let b = svc
        .clone()
        .oneshot(request("POST", "/api/x", proxy, Some("203.0.113.2")))
        .await
        .unwrap();
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let a2 = svc
        .clone()
        .oneshot(request("POST", "/api/x", proxy, Some("203.0.113.1")))
        .await
        .unwrap();
    assert_eq!(a2.status(), StatusCode::TOO_MANY_REQUESTS);
    // An untrusted peer cannot choose its key by sending the header.
    let c = svc
        .clone()
        .oneshot(request(
            "POST",
            "/api/x",
            [198, 51, 100, 1],
            Some("203.0.113.3"),
        ))
        .await
        .unwrap();
    assert_eq!(c.status(), StatusCode::OK);
    let c2 = svc
        .clone()
        .oneshot(request(
            "POST",
            "/api/x",
            [198, 51, 100, 1],
            Some("203.0.113.4"),
        ))
        .await
        .unwrap();
    assert_eq!(c2.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_request_without_a_peer_address_is_a_server_error() {
    let svc = app(small());
    let r = svc
        .oneshot(Request::get("/api/x").body(()).unwrap())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
