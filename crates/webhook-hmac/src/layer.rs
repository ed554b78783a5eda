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
//! use alphaguard_webhook_hmac::{Accept, Registry, WebhookSpec, layer::{WebhookLayer, WebhookRequest}};
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use http_body_util::Full;
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! const HOOKS: [WebhookSpec; 1] =
//!     [WebhookSpec { name: "founder", env_var: "FOUNDER_WEBHOOK_SECRET", accept: Accept::Either }];
//! let registry = Registry::from_lookup(&HOOKS, |var| {
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

use alphaguard_config::refusal::{JsonError, RefusalResponse};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, header};
use http_body::Body;
use http_body_util::Full;
use tower_layer::Layer;
use tower_service::Service;

pub use crate::delivery::{Accepted, DEFAULT_BODY_LIMIT, Refusal, accept};
use crate::replay::{BoxFuture, ReplayGuard};
use crate::{Registry, Verified};

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

/// Builds [`WebhookService`]s; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct WebhookLayer<P = JsonError> {
    shared: Arc<Shared>,
    respond: P,
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
            respond: JsonError,
        }
    }
}

impl<P> WebhookLayer<P> {
    /// Renders refusals with `policy` (the service's error envelope);
    /// duplicates are still acknowledged `200 {"status":"duplicate"}`.
    pub fn respond_with<Q>(self, policy: Q) -> WebhookLayer<Q> {
        WebhookLayer {
            shared: self.shared,
            respond: policy,
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

impl<S, P: Clone> Layer<S> for WebhookLayer<P> {
    type Service = WebhookService<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        WebhookService {
            inner,
            shared: Arc::clone(&self.shared),
            respond: self.respond.clone(),
        }
    }
}

/// The service [`WebhookLayer`] builds.
#[derive(Clone)]
pub struct WebhookService<S, P = JsonError> {
    inner: S,
    shared: Arc<Shared>,
    respond: P,
}

impl<S, P> fmt::Debug for WebhookService<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookService")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

fn duplicate<B: From<String>>() -> Response<B> {
    let mut response = Response::new(B::from(r#"{"status":"duplicate"}"#.to_owned()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

impl<S, P, ReqBody, ResBody> Service<Request<ReqBody>> for WebhookService<S, P>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    P: RefusalResponse<ResBody>,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<Box<dyn StdError + Send + Sync>>,
    ResBody: From<String> + Send + 'static,
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
        let respond = self.respond.clone();
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
                None => return Ok(respond.respond(&Refusal::UnknownWebhook, &parts.extensions)),
            };
            let name = hook.name();
            let guard = shared.guard.as_deref();
            let accepted = match accept(hook, &parts.headers, body, shared.body_limit, guard).await
            {
                Ok(accepted) => accepted,
                Err(Refusal::Duplicate) => {
                    tracing::info!(webhook = name, "repeated webhook-id acknowledged");
                    return Ok(duplicate());
                }
                Err(refusal) => {
                    tracing::warn!(webhook = name, refusal = ?refusal, "webhook rejected");
                    return Ok(respond.respond(&refusal, &parts.extensions));
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
