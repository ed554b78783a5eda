//! A `tower` layer that limits requests by client and tier (feature
//! `tower`).
//!
//! For each request the service derives the client key from the peer
//! address (a [`std::net::SocketAddr`] in the request's extensions, as the
//! server that accepted the connection put it there) and the forwarding
//! headers the [`ClientIpResolver`] trusts, sorts the request into a tier
//! with the [`Classifier`], and checks it:
//!
//! - refused: `429` with `{"error": "too many requests"}`, `Retry-After`,
//!   `RateLimit` and `RateLimit-Policy`; the inner service is not called;
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
//! use alphaguard_rate_limit::{ClientIpResolver, Classifier, RateLimiter, Tiers};
//! use alphaguard_rate_limit::layer::{Backend, RateLimitLayer};
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use http_body_util::Full;
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! let limiter = Arc::new(RateLimiter::new(Tiers::per_minute(60.try_into().unwrap(), 30.try_into().unwrap(), 1.try_into().unwrap()).unwrap()));
//! let app = ServiceBuilder::new()
//!     .layer(RateLimitLayer::new(Backend::Memory(limiter), ClientIpResolver::default(), Classifier::default()))
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

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use tower_layer::Layer;
use tower_service::Service;

use crate::headers::set_rate_limit_headers;
use crate::{Classifier, ClientIpResolver, ClientKey, Decision, Quota, RateLimiter, Tier};

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Which limiter the layer asks.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Backend {
    /// The in-process limiter.
    Memory(Arc<RateLimiter>),
    /// The Redis limiter (feature `redis`).
    #[cfg(feature = "redis")]
    Redis(Arc<crate::RedisLimiter>),
}

impl Backend {
    /// Decides one request.
    pub async fn check(&self, tier: Tier, key: &ClientKey) -> Decision {
        match self {
            Self::Memory(limiter) => limiter.check(tier, key),
            #[cfg(feature = "redis")]
            Self::Redis(limiter) => limiter.check(tier, key).await,
        }
    }

    /// A tier's quota.
    pub fn quota(&self, tier: Tier) -> Quota {
        match self {
            Self::Memory(limiter) => limiter.tiers().quota(tier),
            #[cfg(feature = "redis")]
            Self::Redis(limiter) => limiter.tiers().quota(tier),
        }
    }
}

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
pub struct RateLimitLayer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    backend: Backend,
    resolver: ClientIpResolver,
    classifier: Classifier,
}

impl RateLimitLayer {
    /// A layer over a backend.
    pub fn new(backend: Backend, resolver: ClientIpResolver, classifier: Classifier) -> Self {
        Self {
            shared: Arc::new(Shared {
                backend,
                resolver,
                classifier,
            }),
        }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimitService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimitService {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service [`RateLimitLayer`] builds.
#[derive(Clone)]
pub struct RateLimitService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> fmt::Debug for RateLimitService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitService")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

fn json<B: From<Bytes>>(status: StatusCode, body: &'static str) -> Response<B> {
    let mut response = Response::new(B::from(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RateLimitService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    ReqBody: Send + 'static,
    ResBody: From<Bytes> + Send + 'static,
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
        Box::pin(async move {
            let Some(peer) = request.extensions().get::<SocketAddr>().copied() else {
                tracing::error!(
                    "no peer address in the request extensions; the server must insert a SocketAddr"
                );
                return Ok(json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error":"internal error"}"#,
                ));
            };
            let key = shared.resolver.key(peer.ip(), request.headers());
            let tier = shared
                .classifier
                .classify(request.method(), request.uri().path());
            let decision = shared.backend.check(tier, &key).await;
            let quota = shared.backend.quota(tier);
            if !decision.allowed {
                tracing::info!(tier = tier.as_str(), client = ?key, "rate limited");
                let mut response = json(
                    StatusCode::TOO_MANY_REQUESTS,
                    r#"{"error":"too many requests"}"#,
                );
                set_rate_limit_headers(response.headers_mut(), tier, quota, &decision);
                return Ok(response);
            }
            request.extensions_mut().insert(Limited {
                key,
                tier,
                decision,
            });
            let mut response = inner.call(request).await?;
            set_rate_limit_headers(response.headers_mut(), tier, quota, &decision);
            Ok(response)
        })
    }
}
