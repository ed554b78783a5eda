//! A `tower` layer that authenticates requests (feature `tower`).
//!
//! For each request the service:
//!
//! 1. removes every forwarded identity header
//!    ([`strip_identity_headers`]), so nothing further in can trust one;
//! 2. runs the [`Authenticator`];
//! 3. admitted: puts the [`Identity`](crate::Identity) in the request's extensions and calls
//!    the inner service;
//! 4. refused: `401` with `WWW-Authenticate: Bearer` and
//!    `{"error": "unauthorized"}`; authentication unavailable (Supabase
//!    down and no API key succeeded): `503` with
//!    `{"error": "authentication unavailable"}`. The inner service is not
//!    called; the reason is logged, never sent.
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
use http::{Request, Response, StatusCode, header};
use tower_layer::Layer;
use tower_service::Service;

use crate::{AuthError, Authenticator, strip_identity_headers};

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

/// The response for a refused request: 401 with `WWW-Authenticate:
/// Bearer`, or 503.
pub fn refusal<B: From<Bytes>>(error: &AuthError) -> Response<B> {
    let (status, body): (_, &'static str) = match error {
        AuthError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, r#"{"error":"unauthorized"}"#),
        AuthError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"error":"authentication unavailable"}"#,
        ),
    };
    let mut response = Response::new(B::from(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
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
