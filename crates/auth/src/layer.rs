//! `tower` layers (feature `tower`): [`AuthLayer`] authenticates requests,
//! [`OwnerLayer`] lets only owners through.
//!
//! For each request the [`AuthService`]:
//!
//! 1. removes every forwarded identity header
//!    ([`strip_identity_headers`]), so nothing further in can trust one;
//! 2. runs the [`Authenticator`];
//! 3. admitted: puts the [`Identity`] in the request's extensions and calls
//!    the inner service;
//! 4. refused: `401` with `WWW-Authenticate: Bearer` and
//!    `{"error": "unauthorized"}`; authentication unavailable (Supabase
//!    down and no API key succeeded): `503` with
//!    `{"error": "authentication unavailable"}`. The inner service is not
//!    called; the reason is logged, never sent.
//!
//! Every refusal is rendered by [`refusal`] from the [`AuthError`] alone
//! (its [`status`](AuthError::status),
//! [`public_message`](AuthError::public_message) and
//! [`challenge`](AuthError::challenge)).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::sync::Arc;
//! use alphaguard_auth::{ApiKeys, Authenticator, Identity};
//! use alphaguard_auth::layer::AuthLayer;
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use http_body_util::Full;
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! let keys = ApiKeys::parse("a-service-key-of-some-length").unwrap();
//! let app = ServiceBuilder::new()
//!     .layer(AuthLayer::new(Arc::new(Authenticator::new(None, Some(keys)))))
//!     .service(service_fn(|req: Request<()>| async move {
//!         let who = req.extensions().get::<Identity>().unwrap();
//!         let body = format!("{} {:?}", who.method.as_str(), req.headers().get("x-user-id"));
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from(body))))
//!     }));
//!
//! let refused = app.clone().oneshot(Request::get("/").body(()).unwrap()).await.unwrap();
//! assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
//! assert_eq!(refused.headers()["www-authenticate"], "Bearer");
//!
//! let req = Request::get("/")
//!     .header("x-api-key", "a-service-key-of-some-length")
//!     .header("x-user-id", "spoofed")
//!     .body(())
//!     .unwrap();
//! let ok = app.oneshot(req).await.unwrap();
//! assert_eq!(ok.status(), StatusCode::OK);
//! # }
//! ```

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, header};
use tower_layer::Layer;
use tower_service::Service;

use crate::{AuthError, Authenticator, IdList, Identity, require_owner, strip_identity_headers};

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Builds [`AuthService`]s; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct AuthLayer {
    authenticator: Arc<Authenticator>,
}

impl AuthLayer {
    /// A layer over a shared authenticator.
    pub fn new(authenticator: Arc<Authenticator>) -> Self {
        Self { authenticator }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            authenticator: Arc::clone(&self.authenticator),
        }
    }
}

/// The service [`AuthLayer`] builds.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    authenticator: Arc<Authenticator>,
}

impl<S> fmt::Debug for AuthService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthService")
            .field("authenticator", &self.authenticator)
            .finish_non_exhaustive()
    }
}

/// The response for a refused request: the error's status, its
/// `WWW-Authenticate` challenge if any (401), and
/// `{"error": "<public message>"}`. The reason is never sent.
pub fn refusal<B: From<Bytes>>(error: &AuthError) -> Response<B> {
    let body = format!(r#"{{"error":"{}"}}"#, error.public_message());
    let mut response = Response::new(B::from(Bytes::from(body)));
    *response.status_mut() = error.status();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    if let Some(challenge) = error.challenge() {
        headers.insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static(challenge),
        );
    }
    response
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<S>
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
        let authenticator = Arc::clone(&self.authenticator);
        Box::pin(async move {
            let stripped = strip_identity_headers(request.headers_mut());
            if stripped > 0 {
                tracing::debug!(stripped, "forwarded identity headers removed");
            }
            match authenticator.authenticate(request.headers()).await {
                Ok(identity) => {
                    request.extensions_mut().insert(identity);
                    inner.call(request).await
                }
                Err(error) => {
                    tracing::info!(reason = error.reason(), "authentication refused");
                    Ok(refusal(&error))
                }
            }
        })
    }
}

/// Lets only owners through: the [`Identity`] that an [`AuthLayer`] put in
/// the request's extensions must pass [`require_owner`]. Otherwise the
/// answer is [`refusal`]: 403 `{"error":"forbidden"}` for a caller who is
/// not an owner (or has no verified Discord id), 401 when no identity is
/// there at all (the layer was put outside the `AuthLayer`, or without
/// one: fail closed). The inner service is not called; the reason goes to
/// the log.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::sync::Arc;
/// use alphaguard_auth::layer::{AuthLayer, OwnerLayer};
/// use alphaguard_auth::{ApiKeys, Authenticator, IdList};
/// use bytes::Bytes;
/// use http::{Request, Response, StatusCode};
/// use http_body_util::Full;
/// use tower::{ServiceBuilder, ServiceExt, service_fn};
///
/// let keys = ApiKeys::parse("a-service-key-of-some-length").unwrap();
/// let owners = IdList::parse("123456789012345678").unwrap();
/// let admin = ServiceBuilder::new()
///     .layer(AuthLayer::new(Arc::new(Authenticator::new(None, Some(keys)))))
///     .layer(OwnerLayer::new(owners))
///     .service(service_fn(|_req: Request<()>| async {
///         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("cleared"))))
///     }));
///
/// // A service key authenticates, but a service is not an owner.
/// let req = Request::post("/api/admin/secrets/clear-cache")
///     .header("x-api-key", "a-service-key-of-some-length")
///     .body(())
///     .unwrap();
/// let refused = admin.oneshot(req).await.unwrap();
/// assert_eq!(refused.status(), StatusCode::FORBIDDEN);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct OwnerLayer {
    owners: Arc<IdList>,
}

impl OwnerLayer {
    /// A layer admitting the Discord ids in `owners` (`OWNER_IDS`).
    pub fn new(owners: IdList) -> Self {
        Self {
            owners: Arc::new(owners),
        }
    }
}

impl<S> Layer<S> for OwnerLayer {
    type Service = OwnerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        OwnerService {
            inner,
            owners: Arc::clone(&self.owners),
        }
    }
}

/// The service [`OwnerLayer`] builds.
#[derive(Debug, Clone)]
pub struct OwnerService<S> {
    inner: S,
    owners: Arc<IdList>,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for OwnerService<S>
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

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let verdict = match request.extensions().get::<Identity>() {
            None => Err(AuthError::Unauthorized(
                "no identity before the owner check",
            )),
            Some(identity) => require_owner(identity, &self.owners),
        };
        match verdict {
            Ok(()) => {
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Box::pin(async move { inner.call(request).await })
            }
            Err(error) => {
                tracing::warn!(
                    reason = error.reason(),
                    subject = ?request.extensions().get::<Identity>().and_then(|i| i.subject.as_deref()),
                    path = request.uri().path(),
                    "owner-only request refused"
                );
                Box::pin(async move { Ok(refusal(&error)) })
            }
        }
    }
}
