//! One function per [`Handler`]: each reads the [`Route`] the request path
//! was given, never the path again.

use std::time::Instant;

use alphaguard_auth::{AuthError, Identity, require_owner};
use alphaguard_config::refusal::Refusal;
use alphaguard_webhook_hmac::delivery::{Refusal as WebhookRefusal, accept};
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

use crate::app::{App, Ctx};
use crate::audit;
use crate::drive::{Busy, Trigger};
use crate::forward::{self, Origin};
use crate::inbox::metrics::Outcome;
use crate::inbox::{NewDelivery, Persisted};
use crate::observe::{AUTH_FAILURES, UPSTREAM_DURATION, UPSTREAM_ERRORS, WEBHOOK_VERIFICATIONS};
use crate::respond::{self, Body, BoxError};
use crate::route::{Auth, Handler};
use crate::webhooks::WEBHOOKS;

/// The body of `GET /api/me`.
#[derive(serde::Serialize)]
struct Me<'a> {
    method: &'static str,
    user_id: Option<&'a str>,
    role: Option<&'a str>,
    email: Option<&'a str>,
}

/// Walks an error's sources looking for a `T`.
fn caused_by<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The client's request body could not be read (malformed chunked framing,
/// a connection reset, a late body): the client's fault, not the
/// upstream's, when a forwarded request fails because of it.
#[derive(Debug)]
struct ClientBodyError(BoxError);

impl std::fmt::Display for ClientBodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "request body unreadable: {}", self.0)
    }
}

impl std::error::Error for ClientBodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

impl App {
    /// Applies the route's auth rule, then runs its handler.
    pub(crate) async fn dispatch<B>(&self, request: Request<B>, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let id = ctx.id();
        let who = match ctx.route.auth {
            Auth::None => None,
            Auth::ServiceKey => match self.authenticator.authenticate_api_key(request.headers()) {
                None => {
                    tracing::info!(
                        request_id = id,
                        "service-key route asked for, but no API_KEY is configured"
                    );
                    return respond::error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "service unavailable",
                        id,
                    );
                }
                Some(Ok(who)) => Some(ctx.identified(who)),
                Some(Err(e)) => return self.auth_failed(&e, ctx),
            },
            Auth::Identity | Auth::Owner => {
                match self.authenticator.authenticate(request.headers()).await {
                    Ok(who) => Some(ctx.identified(who)),
                    Err(e) => return self.auth_failed(&e, ctx),
                }
            }
        };
        if ctx.route.auth == Auth::Owner {
            let verdict = match &who {
                Some(who) => require_owner(who, &self.owners),
                None => Err(AuthError::Forbidden("no identity")),
            };
            if let Err(e) = verdict {
                audit::owner_action(
                    ctx,
                    who.as_ref(),
                    ctx.route.handler.label(),
                    "refused",
                    Some(e.reason()),
                );
                return respond::refusal(&e, id);
            }
        }
        match ctx.route.handler {
            Handler::Health => respond::json(StatusCode::OK, &br#"{"status":"ok"}"#[..]),
            Handler::Ready => self.ready(id),
            Handler::Metrics => self.render_metrics(),
            Handler::Observability => {
                let mut view = self.recorder.rolling().snapshot();
                if let Some(map) = view.as_object_mut() {
                    map.insert("deliveries".to_owned(), self.outcomes.json());
                }
                respond::json(StatusCode::OK, view.to_string())
            }
            Handler::Me => me(who.as_ref(), id),
            Handler::ClearSecretsCache => self.clear_secrets_cache(who.as_ref(), ctx),
            Handler::WebhookInbox(op) => self.inbox_admin(op, request, who.as_ref(), ctx).await,
            Handler::DriveSync => self.drive_sync(who.as_ref(), ctx),
            Handler::DriveStatus => self.drive_status(who.as_ref(), ctx),
            Handler::Webhook(index) => self.webhook(index, request, ctx).await,
            Handler::Proxy => match who {
                Some(who) => self.proxy(request, &who, ctx).await,
                None => respond::error(StatusCode::UNAUTHORIZED, "unauthorized", id),
            },
            Handler::MethodNotAllowed(allow) => respond::method_not_allowed(allow, id),
            Handler::NotFound => respond::error(StatusCode::NOT_FOUND, "not found", id),
            Handler::BadPath => respond::error(StatusCode::BAD_REQUEST, "bad request", id),
            Handler::UnknownCoding => {
                respond::error(StatusCode::NOT_IMPLEMENTED, "not implemented", id)
            }
        }
    }

    fn auth_failed(&self, e: &AuthError, ctx: &Ctx) -> Response<Body> {
        metrics::counter!(AUTH_FAILURES, "reason" => e.reason()).increment(1);
        tracing::info!(
            request_id = ctx.id(),
            client = ctx.client_text.as_str(),
            reason = e.reason(),
            "authentication failed"
        );
        if ctx.route.auth == Auth::Owner {
            audit::owner_action(
                ctx,
                None,
                ctx.route.handler.label(),
                "refused",
                Some(e.reason()),
            );
        }
        respond::refusal(e, ctx.id())
    }

    /// The metrics listener's one route (`METRICS_BIND_ADDR`).
    pub fn metrics_only<B>(&self, request: &Request<B>) -> Response<Body> {
        let read = request.method() == http::Method::GET || request.method() == http::Method::HEAD;
        if request.uri().path() == "/metrics" && read {
            self.render_metrics()
        } else {
            respond::json(StatusCode::NOT_FOUND, &br#"{"error":"not found"}"#[..])
        }
    }

    fn render_metrics(&self) -> Response<Body> {
        self.export_counters();
        let mut response = Response::new(respond::full(self.metrics.render()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        );
        response
    }

    fn clear_secrets_cache(&self, who: Option<&Identity>, ctx: &Ctx) -> Response<Body> {
        let action = ctx.route.handler.label();
        let Some(cache) = &self.secrets else {
            audit::owner_action(ctx, who, action, "not_configured", None);
            return respond::error(
                StatusCode::CONFLICT,
                "no secrets cache is configured",
                ctx.id(),
            );
        };
        let cleared = cache.clear();
        audit::owner_action(ctx, who, action, "cleared", None);
        respond::json(
            StatusCode::OK,
            format!(r#"{{"status":"cleared","entries":{cleared}}}"#),
        )
    }

    /// `POST /api/admin/drive/sync`: starts a mirror run now (202), or 409
    /// while one runs or when no mirror is configured.
    fn drive_sync(&self, who: Option<&Identity>, ctx: &Ctx) -> Response<Body> {
        let action = ctx.route.handler.label();
        let Some(mirror) = &self.drive else {
            audit::owner_action(ctx, who, action, "not_configured", None);
            return respond::error(
                StatusCode::CONFLICT,
                "no Drive mirror is configured",
                ctx.id(),
            );
        };
        match mirror.start(Trigger::Owner) {
            Ok(()) => {
                audit::owner_action(ctx, who, action, "started", None);
                respond::json(StatusCode::ACCEPTED, &br#"{"status":"started"}"#[..])
            }
            Err(Busy) => {
                audit::owner_action(ctx, who, action, "busy", None);
                respond::error(
                    StatusCode::CONFLICT,
                    "a Drive mirror run is already going",
                    ctx.id(),
                )
            }
        }
    }

    /// `GET /api/admin/drive/status`: the mirror's state and last run.
    fn drive_status(&self, who: Option<&Identity>, ctx: &Ctx) -> Response<Body> {
        let action = ctx.route.handler.label();
        let Some(mirror) = &self.drive else {
            audit::owner_action(ctx, who, action, "not_configured", None);
            return respond::error(
                StatusCode::CONFLICT,
                "no Drive mirror is configured",
                ctx.id(),
            );
        };
        audit::owner_action(ctx, who, action, "read", None);
        match serde_json::to_vec(&mirror.status()) {
            Ok(body) => respond::json(StatusCode::OK, body),
            Err(e) => {
                tracing::error!(request_id = ctx.id(), error = %e, "Drive status not serialisable");
                respond::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error",
                    ctx.id(),
                )
            }
        }
    }

    /// Verifies a delivery, then persists it: 202 once written durably, 200
    /// for an id already persisted, 503 with `Retry-After` when it cannot be
    /// written (never 2xx without a durable write). The worker delivers it.
    async fn webhook<B>(&self, index: usize, request: Request<B>, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let received = std::time::SystemTime::now();
        let (parts, body) = request.into_parts();
        let Some(hook) = self.webhooks.at(index) else {
            return respond::refusal(&WebhookRefusal::UnknownWebhook, ctx.id());
        };
        let name = WEBHOOKS.get(index).map_or("unknown", |w| w.name);
        let count = |result: &'static str| {
            metrics::counter!(WEBHOOK_VERIFICATIONS, "name" => name, "result" => result)
                .increment(1);
        };
        // No replay guard here: the inbox is the replay memory, and it
        // records an id only together with the delivery itself.
        let accepted = match accept(hook, &parts.headers, body, ctx.route.body_limit, None).await {
            Ok(accepted) => accepted,
            Err(refusal) => {
                count(refusal.label());
                tracing::warn!(request_id = ctx.id(), client = ctx.client_text.as_str(), webhook = name, refusal = ?refusal, "webhook refused");
                return respond::refusal(&refusal, ctx.id());
            }
        };
        let verified = accepted.verified;
        let mut delivery =
            NewDelivery::new(name, accepted.body, ctx.id(), received).signed(verified.is_some());
        if let Some(v) = &verified {
            // Only a verified Standard Webhooks id and timestamp; the plain
            // scheme's `webhook-id` / `webhook-timestamp` headers were never
            // checked, so its id is derived from the name and the body.
            // The id is a duplicate at every webhook sharing this secret:
            // the signature does not say which of them it was made for.
            if let (Some(wid), Some(ts)) = (v.webhook_id.as_deref(), v.timestamp) {
                delivery = delivery
                    .verified_id(wid, ts)
                    .replay_scope(hook.spec().env_var);
            }
        }
        if let Some(verifier) = hook.verifier() {
            delivery = delivery.tolerance(verifier.tolerance_window());
        }
        if let Some(ct) = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        {
            delivery = delivery.content_type(ct);
        }
        let delivery_id = delivery.id().to_owned();
        match self.inbox.persist(delivery).await {
            Ok(Persisted::New) => {
                count(if verified.is_some() {
                    "verified"
                } else {
                    "unconfigured"
                });
                self.outcomes.record(Outcome::Accepted);
                tracing::info!(
                    request_id = ctx.id(),
                    webhook = name,
                    delivery_id = %delivery_id,
                    verified = verified.is_some(),
                    "webhook persisted"
                );
                respond::json(StatusCode::ACCEPTED, &br#"{"status":"accepted"}"#[..])
            }
            Ok(Persisted::Duplicate) => {
                count("duplicate");
                self.outcomes.record(Outcome::Duplicate);
                tracing::info!(
                    request_id = ctx.id(),
                    webhook = name,
                    delivery_id = %delivery_id,
                    "repeated delivery acknowledged, not stored again"
                );
                respond::json(StatusCode::OK, &br#"{"status":"duplicate"}"#[..])
            }
            Err(e) => {
                count("unavailable");
                self.outcomes.record(Outcome::Unavailable);
                tracing::error!(request_id = ctx.id(), webhook = name, reason = e.reason(), error = %e, "webhook not persisted: 503");
                let mut response = respond::error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service unavailable",
                    ctx.id(),
                );
                let secs = e.retry_after().as_secs().max(1);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                response
            }
        }
    }

    async fn proxy<B>(&self, request: Request<B>, who: &Identity, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let id = ctx.id();
        let Some(upstream) = &self.upstream else {
            return respond::error(StatusCode::NOT_FOUND, "not found", id);
        };
        let (parts, body) = request.into_parts();
        let limit = ctx.route.body_limit;
        if declared_length(&parts.headers).is_some_and(|n| n > limit as u64) {
            return respond::error(StatusCode::PAYLOAD_TOO_LARGE, "payload too large", id);
        }
        let Some(path) = &ctx.path else {
            return respond::error(StatusCode::BAD_REQUEST, "bad request", id);
        };
        let Ok(url) = upstream.api_url(path, parts.uri.query()) else {
            tracing::error!(
                request_id = id,
                path = path.as_str(),
                "upstream URL left /api/; refused"
            );
            return respond::error(StatusCode::BAD_REQUEST, "bad request", id);
        };
        let origin = Origin {
            request_id: &ctx.id,
            client: ctx.client,
            via_trusted_proxy: ctx.via_trusted_proxy,
            authority: parts.uri.authority(),
        };
        let headers = forward::request_headers(&parts.headers, who, origin);
        let body = body.map_err(|e| ClientBodyError(e.into()));
        let body = reqwest::Body::wrap(Limited::new(body, limit));
        let started = Instant::now();
        let sent = upstream
            .client()
            .request(parts.method, url)
            .headers(headers)
            .body(body)
            .send()
            .await;
        metrics::histogram!(UPSTREAM_DURATION, "kind" => "api")
            .record(started.elapsed().as_secs_f64());
        match sent {
            Ok(response) if response.status().is_server_error() => {
                metrics::counter!(UPSTREAM_ERRORS, "kind" => "api", "reason" => "status")
                    .increment(1);
                tracing::warn!(
                    request_id = id,
                    upstream_status = response.status().as_u16(),
                    "upstream error hidden from the client"
                );
                respond::error(StatusCode::BAD_GATEWAY, "bad gateway", id)
            }
            Ok(response) => {
                let response: Response<reqwest::Body> = response.into();
                let (mut parts, body) = response.into_parts();
                forward::strip_hop_by_hop(&mut parts.headers);
                forward::strip_cors(&mut parts.headers);
                let body = body.map_err(|e| Box::new(e) as BoxError).boxed_unsync();
                Response::from_parts(parts, body)
            }
            Err(e) if caused_by::<LengthLimitError>(&e) => {
                respond::error(StatusCode::PAYLOAD_TOO_LARGE, "payload too large", id)
            }
            Err(e) if caused_by::<ClientBodyError>(&e) => {
                // Not the upstream's failure: neither counted nor logged as
                // one. (A late body is answered 408 by the connection.)
                tracing::info!(request_id = id, error = %e, "request body unreadable: 400");
                respond::error(StatusCode::BAD_REQUEST, "bad request", id)
            }
            Err(e) => {
                let reason = if e.is_timeout() { "timeout" } else { "connect" };
                metrics::counter!(UPSTREAM_ERRORS, "kind" => "api", "reason" => reason)
                    .increment(1);
                tracing::warn!(request_id = id, timeout = e.is_timeout(), error = %e, "upstream unreachable");
                respond::error(StatusCode::BAD_GATEWAY, "bad gateway", id)
            }
        }
    }
}

fn me(who: Option<&Identity>, id: &str) -> Response<Body> {
    let Some(who) = who else {
        return respond::error(StatusCode::UNAUTHORIZED, "unauthorized", id);
    };
    let me = Me {
        method: who.method.as_str(),
        user_id: who.subject.as_deref(),
        role: who.role.as_deref(),
        email: who.email.as_deref(),
    };
    match serde_json::to_vec(&me) {
        Ok(body) => respond::json(StatusCode::OK, body),
        Err(_) => respond::error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", id),
    }
}
