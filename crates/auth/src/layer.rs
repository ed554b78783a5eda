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
//! Every refusal is rendered from the [`AuthError`] alone (its
//! [`Refusal`] implementation: status, public message, label) by the
//! layer's [`RefusalResponse`] policy: [`JsonError`] unless the service
//! chose its own envelope with `respond_with` (the gateway adds its
//! request id).
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

use alphaguard_config::refusal::{JsonError, Refusal, RefusalResponse};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::{AuthError, Authenticator, IdList, Identity, require_owner, strip_identity_headers};

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Builds [`AuthService`]s; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct AuthLayer<P = JsonError> {
    authenticator: Arc<Authenticator>,
    respond: P,
}

impl AuthLayer {
    /// A layer over a shared authenticator, answering refusals with
    /// [`JsonError`].
    pub fn new(authenticator: Arc<Authenticator>) -> Self {
        Self {
            authenticator,
            respond: JsonError,
        }
    }
}

impl<P> AuthLayer<P> {
    /// Renders refusals with `policy` (the service's error envelope).
    pub fn respond_with<Q>(self, policy: Q) -> AuthLayer<Q> {
        AuthLayer {
            authenticator: self.authenticator,
            respond: policy,
        }
    }
}

impl<S, P: Clone> Layer<S> for AuthLayer<P> {
    type Service = AuthService<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            authenticator: Arc::clone(&self.authenticator),
            respond: self.respond.clone(),
        }
    }
}

/// The service [`AuthLayer`] builds.
#[derive(Clone)]
pub struct AuthService<S, P = JsonError> {
    inner: S,
    authenticator: Arc<Authenticator>,
    respond: P,
}

impl<S, P> fmt::Debug for AuthService<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthService")
            .field("authenticator", &self.authenticator)
            .finish_non_exhaustive()
    }
}

impl<S, P, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<S, P>
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
        let authenticator = Arc::clone(&self.authenticator);
        let respond = self.respond.clone();
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
                    Ok(respond.respond(&error as &dyn Refusal, request.extensions()))
                }
            }
        })
    }
}

/// Lets only owners through: the [`Identity`] that an [`AuthLayer`] put in
/// the request's extensions must pass [`require_owner`]. Otherwise the
/// layer's [`RefusalResponse`] policy answers: 403 `{"error":"forbidden"}` for a caller who is
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
pub struct OwnerLayer<P = JsonError> {
    owners: Arc<IdList>,
    respond: P,
}

impl OwnerLayer {
    /// A layer admitting the Discord ids in `owners` (`OWNER_IDS`),
    /// answering refusals with [`JsonError`].
    pub fn new(owners: IdList) -> Self {
        Self {
            owners: Arc::new(owners),
            respond: JsonError,
        }
    }
}

impl<P> OwnerLayer<P> {
    /// Renders refusals with `policy` (the service's error envelope).
    pub fn respond_with<Q>(self, policy: Q) -> OwnerLayer<Q> {
        OwnerLayer {
            owners: self.owners,
            respond: policy,
        }
    }
}

impl<S, P: Clone> Layer<S> for OwnerLayer<P> {
    type Service = OwnerService<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        OwnerService {
            inner,
            owners: Arc::clone(&self.owners),
            respond: self.respond.clone(),
        }
    }
}

/// The service [`OwnerLayer`] builds.
#[derive(Debug, Clone)]
pub struct OwnerService<S, P = JsonError> {
    inner: S,
    owners: Arc<IdList>,
    respond: P,
}

impl<S, P, ReqBody, ResBody> Service<Request<ReqBody>> for OwnerService<S, P>
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
                let response = self
                    .respond
                    .respond(&error as &dyn Refusal, request.extensions());
                Box::pin(async move { Ok(response) })
            }
        }
    }
}
