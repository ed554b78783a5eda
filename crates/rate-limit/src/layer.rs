//! A `tower` layer that limits requests by client and tier (feature
//! `tower`).
//!
//! For each request the service derives the client key from the peer
//! address (a [`std::net::SocketAddr`] in the request's extensions, as the
//! server that accepted the connection put it there) and the forwarding
//! headers the [`ClientIpResolver`] trusts, sorts the request into a tier
//! with the [`Classifier`]'s rules, and checks it:
//!
//! - refused: `429` rendered by the layer's [`RefusalResponse`] policy
//!   (default [`JsonError`]: `{"error": "too many requests"}`) from
//!   [`RateLimited`], plus `Retry-After`, `RateLimit` and
//!   `RateLimit-Policy`; the inner service is not called;
//! - admitted: the inner service's response gets `RateLimit` and
//!   `RateLimit-Policy`, and the request carries a [`Limited`] extension.
//!
//! A request without a peer address in its extensions is a server set-up
//! error: it is answered `500` (and logged), never limited under a key
//! shared with everybody else.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::net::SocketAddr;
//! use std::sync::Arc;
//! use alphaguard_rate_limit::{Backend, Classifier, ClientIpResolver, Quota, RateLimiter, Tiers};
//! use alphaguard_rate_limit::layer::RateLimitLayer;
//! use bytes::Bytes;
//! use http::{Method, Request, Response, StatusCode};
//! use http_body_util::Full;
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! let per_min = |n: u32| Quota::per_minute(n.try_into().unwrap()).unwrap();
//! let mut tiers = Tiers::new();
//! let read = tiers.add("read", per_min(30)).unwrap();
//! let write = tiers.add("write", per_min(1)).unwrap();
//! let classifier = Classifier::new(write).rule(&[Method::GET, Method::HEAD], "", read);
//! let limiter = Arc::new(RateLimiter::new(tiers));
//! let app = ServiceBuilder::new()
//!     .layer(RateLimitLayer::new(Backend::Memory(limiter), ClientIpResolver::default(), classifier))
//!     .service(service_fn(|_req: Request<()>| async {
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("ok"))))
//!     }));
//!
//! let post = || {
//!     let mut req = Request::post("/api/things").body(()).unwrap();
//!     req.extensions_mut().insert(SocketAddr::from(([203, 0, 113, 9], 50000)));
//!     req
//! };
//! let first = app.clone().oneshot(post()).await.unwrap();
//! assert_eq!(first.status(), StatusCode::OK);
//! assert_eq!(first.headers()["ratelimit"], "write;r=0;t=72");
//! let second = app.oneshot(post()).await.unwrap();
//! assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
//! assert!(second.headers().contains_key("retry-after"));
//! # }
//! ```

use std::fmt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use alphaguard_config::refusal::{JsonError, Refusal, RefusalResponse};
use http::{Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::headers::set_rate_limit_headers;
use crate::{Backend, Classifier, ClientIpResolver, ClientKey, Decision, RateLimited, Tier};

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// What the layer decided, in the extensions of an admitted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// The client's key.
    pub key: ClientKey,
    /// The tier.
    pub tier: Tier,
    /// The decision.
    pub decision: Decision,
}

/// Builds [`RateLimitService`]s; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct RateLimitLayer<P = JsonError> {
    shared: Arc<Shared>,
    respond: P,
}

#[derive(Debug)]
struct Shared {
    backend: Backend,
    resolver: ClientIpResolver,
    classifier: Classifier,
}

/// A server set-up error: no peer address in the request's extensions.
#[derive(Debug)]
struct NoPeerAddress;

impl Refusal for NoPeerAddress {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn public_message(&self) -> &'static str {
        "internal error"
    }

    fn label(&self) -> &'static str {
        "no_peer_address"
    }
}

impl RateLimitLayer {
    /// A layer over a backend, answering refusals with [`JsonError`].
    pub fn new(backend: Backend, resolver: ClientIpResolver, classifier: Classifier) -> Self {
        Self {
            shared: Arc::new(Shared {
                backend,
                resolver,
                classifier,
            }),
            respond: JsonError,
        }
    }
}

impl<P> RateLimitLayer<P> {
    /// Renders refusals with `policy` (the service's error envelope).
    pub fn respond_with<Q>(self, policy: Q) -> RateLimitLayer<Q> {
        RateLimitLayer {
            shared: self.shared,
            respond: policy,
        }
    }
}

impl<S, P: Clone> Layer<S> for RateLimitLayer<P> {
    type Service = RateLimitService<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimitService {
            inner,
            shared: Arc::clone(&self.shared),
            respond: self.respond.clone(),
        }
    }
}

/// The service [`RateLimitLayer`] builds.
#[derive(Clone)]
pub struct RateLimitService<S, P = JsonError> {
    inner: S,
    shared: Arc<Shared>,
    respond: P,
}

impl<S, P> fmt::Debug for RateLimitService<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitService")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl<S, P, ReqBody, ResBody> Service<Request<ReqBody>> for RateLimitService<S, P>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    P: RefusalResponse<ResBody>,
    ReqBody: Send + 'static,
    ResBody: Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = Arc::clone(&self.shared);
        let respond = self.respond.clone();
        Box::pin(async move {
            let Some(peer) = request.extensions().get::<SocketAddr>().copied() else {
                tracing::error!(
                    "no peer address in the request extensions; the server must insert a SocketAddr"
                );
                return Ok(respond.respond(&NoPeerAddress, request.extensions()));
            };
            let key = shared.resolver.key(peer.ip(), request.headers());
            let tier = shared
                .classifier
                .classify(request.method(), request.uri().path());
            let decision = shared.backend.check(tier, &key).await;
            let tiers = shared.backend.tiers();
            let name = tiers.name(tier).unwrap_or("unknown");
            let quota = tiers.quota(tier);
            if !decision.allowed {
                tracing::info!(tier = name, client = ?key, "rate limited");
                let mut response = respond.respond(&RateLimited, request.extensions());
                if let Some(quota) = quota {
                    set_rate_limit_headers(response.headers_mut(), name, quota, &decision);
                }
                return Ok(response);
            }
            request.extensions_mut().insert(Limited {
                key,
                tier,
                decision,
            });
            let mut response = inner.call(request).await?;
            if let Some(quota) = quota {
                set_rate_limit_headers(response.headers_mut(), name, quota, &decision);
            }
            Ok(response)
        })
    }
}
