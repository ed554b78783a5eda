//! A `tower` layer that limits, buffers and verifies webhook requests
//! (feature `tower`).
//!
//! For each request under the path prefix (default `/webhooks/`), the
//! service:
//!
//! 1. looks the last path segment up in the [`Registry`] (404 if unknown);
//! 2. refuses a body over the limit (default 1 MiB) with 413: from
//!    `Content-Length` before reading anything, and while streaming when the
//!    length is not declared;
//! 3. verifies the signature over the raw bytes (401 if it fails);
//! 4. with a [`ReplayGuard`], acknowledges a repeated `webhook-id` with 200
//!    without calling the inner service, and forgets the id again when the
//!    inner service fails (5xx or error) so the sender's retry is processed;
//! 5. calls the inner service with the buffered body and a [`WebhookRequest`]
//!    in the request's extensions.
//!
//! Rejections have a JSON body `{"error": "..."}` with a generic message; the
//! reason is logged at `warn` with the webhook's name.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::sync::Arc;
//! use alphaguard_webhook_hmac::{Registry, layer::{WebhookLayer, WebhookRequest}};
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use http_body_util::Full;
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! let registry = Registry::from_lookup(|var| {
//!     (var == "FOUNDER_WEBHOOK_SECRET").then(|| "It's a Secret to Everybody".to_owned())
//! }).unwrap();
//! let app = ServiceBuilder::new()
//!     .layer(WebhookLayer::new(Arc::new(registry)))
//!     .service(service_fn(|req: Request<Full<Bytes>>| async move {
//!         let hook = req.extensions().get::<WebhookRequest>().unwrap();
//!         assert_eq!(hook.name, "founder");
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("done"))))
//!     }));
//!
//! let unsigned = Request::post("/webhooks/founder").body(Full::new(Bytes::from("{}"))).unwrap();
//! let response = app.clone().oneshot(unsigned).await.unwrap();
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//!
//! let signed = Request::post("/webhooks/founder")
//!     .header("x-signature-256", "sha256=50b0123e6e44430d2c43ecca0ee520d961ffd326425c07859f70a57161c3ebcd")
//!     .body(Full::new(Bytes::from("{}"))).unwrap();
//! let response = app.oneshot(signed).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! # }
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, header};
use http_body::Body;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use tower_layer::Layer;
use tower_service::Service;

use crate::replay::ReplayError;
use crate::replay::{BoxFuture, Delivery, ReplayGuard, replay_key};
use crate::{Error, Outcome, Registry, Verified, Webhook};

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// What the layer found, in the extensions of the request it passes on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookRequest {
    /// The webhook's name.
    pub name: &'static str,
    /// The verification; `None` when the webhook has no secret configured
    /// (development only).
    pub verified: Option<Verified>,
}

/// Why [`accept`] refused a delivery before it reached the application.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
    /// The body is over the limit: 413 (declared, or found while reading).
    TooLarge,
    /// The body could not be read: 400.
    BadBody(String),
    /// The signature did not verify: 401.
    BadSignature(Error),
    /// A `webhook-id` already seen: acknowledge (200) without processing.
    Duplicate,
    /// The replay guard could not answer: 503.
    GuardFailed(ReplayError),
}

/// A delivery that passed [`accept`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Accepted {
    /// The raw body, as verified.
    pub body: Bytes,
    /// The verification; `None` when the webhook has no secret configured
    /// (development only).
    pub verified: Option<Verified>,
    /// The replay-guard key recorded for this delivery: [`ReplayGuard::forget`]
    /// it if processing fails, so the sender's retry is processed.
    pub recorded: Option<String>,
}

/// The checks every webhook delivery goes through, for the layer and for
/// services that answer in their own format:
///
/// 1. a body over `limit` is refused: from `Content-Length` before reading
///    anything, and while streaming when the length is not declared;
/// 2. the signature is verified over the raw bytes;
/// 3. with a guard, a repeated `webhook-id` is refused as
///    [`Refusal::Duplicate`], and a first one is recorded for the
///    tolerance window.
pub async fn accept<B>(
    hook: &Webhook,
    headers: &HeaderMap,
    body: B,
    limit: usize,
    guard: Option<&dyn ReplayGuard>,
) -> Result<Accepted, Refusal>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(Refusal::TooLarge);
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(Refusal::TooLarge);
        }
        Err(e) => return Err(Refusal::BadBody(e.to_string())),
    };
    let verified = match hook.verify(headers, &bytes) {
        Ok(Outcome::Verified(v)) => Some(v),
        Ok(_) => None,
        Err(e) => return Err(Refusal::BadSignature(e)),
    };
    let mut recorded = None;
    if let (Some(guard), Some(v)) = (guard, &verified)
        && let Some(id) = &v.webhook_id
    {
        let key = replay_key(hook.name(), id);
        let ttl = hook
            .verifier()
            .map_or(crate::standard::DEFAULT_TOLERANCE, |v| v.tolerance_window());
        match guard.check_and_record(&key, ttl).await {
            Ok(Delivery::First) => recorded = Some(key),
            Ok(Delivery::Repeat) => return Err(Refusal::Duplicate),
            Err(e) => return Err(Refusal::GuardFailed(e)),
        }
    }
    Ok(Accepted {
        body: bytes,
        verified,
        recorded,
    })
}

/// Builds [`WebhookService`]s; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct WebhookLayer {
    shared: Arc<Shared>,
}

#[derive(Debug, Clone)]
struct Shared {
    registry: Arc<Registry>,
    guard: Option<Arc<dyn ReplayGuard>>,
    body_limit: usize,
    prefix: String,
}

impl WebhookLayer {
    /// A layer over `registry`, with a 1 MiB limit, the `/webhooks/` prefix
    /// and no replay guard.
    pub fn new(registry: Arc<Registry>) -> Self {
        Self {
            shared: Arc::new(Shared {
                registry,
                guard: None,
                body_limit: DEFAULT_BODY_LIMIT,
                prefix: "/webhooks/".to_owned(),
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Shared)) -> Self {
        let shared = Arc::make_mut(&mut self.shared);
        f(shared);
        self
    }

    /// Adds a replay guard for Standard Webhooks ids.
    pub fn replay_guard(self, guard: Arc<dyn ReplayGuard>) -> Self {
        self.edit(|s| s.guard = Some(guard))
    }

    /// Sets the body limit in bytes.
    pub fn body_limit(self, limit: usize) -> Self {
        self.edit(|s| s.body_limit = limit)
    }

    /// Sets the path prefix before the webhook's name.
    pub fn path_prefix(self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        self.edit(|s| s.prefix = prefix)
    }
}

impl<S> Layer<S> for WebhookLayer {
    type Service = WebhookService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WebhookService {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service [`WebhookLayer`] builds.
#[derive(Clone)]
pub struct WebhookService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> fmt::Debug for WebhookService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookService")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

/// Why the layer answered by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rejection {
    NotFound,
    TooLarge,
    BadBody,
    BadSignature,
    Unavailable,
}

impl Rejection {
    fn response<B: From<Bytes>>(self) -> Response<B> {
        let (status, body): (StatusCode, &'static [u8]) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, br#"{"error":"not found"}"#),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                br#"{"error":"payload too large"}"#,
            ),
            Self::BadBody => (StatusCode::BAD_REQUEST, br#"{"error":"bad request"}"#),
            Self::BadSignature => (
                StatusCode::UNAUTHORIZED,
                br#"{"error":"invalid signature"}"#,
            ),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                br#"{"error":"service unavailable"}"#,
            ),
        };
        json(status, body)
    }
}

fn json<B: From<Bytes>>(status: StatusCode, body: &'static [u8]) -> Response<B> {
    let mut response = Response::new(B::from(Bytes::from_static(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for WebhookService<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<Box<dyn StdError + Send + Sync>>,
    ResBody: From<Bytes> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone is not ready; the ready one goes into the future.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let hook = match parts
                .uri
                .path()
                .strip_prefix(shared.prefix.as_str())
                .filter(|name| !name.contains('/'))
                .and_then(|name| shared.registry.get(name))
            {
                Some(hook) => hook,
                None => return Ok(Rejection::NotFound.response()),
            };
            let name = hook.name();
            let guard = shared.guard.as_deref();
            let accepted = match accept(hook, &parts.headers, body, shared.body_limit, guard).await
            {
                Ok(accepted) => accepted,
                Err(refusal) => {
                    let rejection = match &refusal {
                        Refusal::Duplicate => {
                            tracing::info!(webhook = name, "repeated webhook-id acknowledged");
                            return Ok(json(StatusCode::OK, br#"{"status":"duplicate"}"#));
                        }
                        Refusal::TooLarge => Rejection::TooLarge,
                        Refusal::BadBody(_) => Rejection::BadBody,
                        Refusal::BadSignature(_) => Rejection::BadSignature,
                        Refusal::GuardFailed(_) => Rejection::Unavailable,
                    };
                    tracing::warn!(webhook = name, refusal = ?refusal, "webhook rejected");
                    return Ok(rejection.response());
                }
            };
            let (bytes, verified, recorded) = (accepted.body, accepted.verified, accepted.recorded);

            let mut request = Request::from_parts(parts, Full::new(bytes));
            request
                .extensions_mut()
                .insert(WebhookRequest { name, verified });
            let result = inner.call(request).await;
            let failed = match &result {
                Ok(response) => response.status().is_server_error(),
                Err(_) => true,
            };
            if let (true, Some(key), Some(guard)) = (failed, recorded, &shared.guard)
                && let Err(e) = guard.forget(&key).await
            {
                tracing::error!(webhook = name, error = %e, "could not forget a failed delivery");
            }
            result
        })
    }
}
