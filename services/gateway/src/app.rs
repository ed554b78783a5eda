//! The request path: client IP, request id, timer, rate limit, route.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alphaguard_auth::{
    API_KEY_HEADER, AuthError, Authenticator, IdList, Identity, JwtVerifier, require_owner,
    strip_identity_headers,
};
use alphaguard_rate_limit::headers::set_rate_limit_headers;
use alphaguard_rate_limit::layer::Backend;
use alphaguard_rate_limit::{
    Classifier, ClientIpResolver, MemoryStore, MonotonicClock, RateLimiter, RedisLimiter, Sweeper,
};
use alphaguard_sanitize::safe_log_message;
use alphaguard_webhook_hmac::layer::{Refusal, accept};
use alphaguard_webhook_hmac::{
    DEFAULT_WEBHOOKS, MemoryReplayGuard, RedisReplayGuard, Registry, ReplayGuard,
};
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use metrics_exporter_prometheus::PrometheusHandle;

use crate::observe::{
    self, AUTH_FAILURES, RATE_LIMITED, Recorder, RouteClass, WEBHOOK_VERIFICATIONS,
};
use crate::request_id::{RequestIds, X_REQUEST_ID};
use crate::settings::Settings;

/// Errors a response body can fail with.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// The response body type.
pub type Body = UnsyncBoxBody<Bytes, BoxError>;

/// The largest webhook body: 1 MiB.
pub const WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

/// The largest body forwarded on `/api/...`: 10 MiB.
pub const API_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// What the service forwards as the caller's identity.
pub const X_USER_ID: HeaderName = HeaderName::from_static("x-user-id");
/// The verified role.
pub const X_USER_ROLE: HeaderName = HeaderName::from_static("x-user-role");
/// How the caller authenticated (`supabase_jwt`, `api_key`, ...).
pub const X_AUTH_METHOD: HeaderName = HeaderName::from_static("x-auth-method");
/// The caller's Discord id, for Discord logins.
pub const X_DISCORD_ID: HeaderName = HeaderName::from_static("x-discord-id");
/// Set on forwarded webhooks.
pub const X_WEBHOOK_VERIFIED: HeaderName = HeaderName::from_static("x-webhook-verified");

/// Something an owner can clear: the Google secrets cache.
pub trait SecretsCache: Send + Sync + std::fmt::Debug {
    /// Drops every cached value; returns how many there were.
    fn clear(&self) -> usize;
}

impl SecretsCache for alphaguard_gcp_secrets::GoogleCredentials {
    fn clear(&self) -> usize {
        self.clear_cache()
    }
}

/// Where verified webhooks and authenticated API calls go.
#[derive(Debug)]
struct Upstream {
    base: String,
    client: reqwest::Client,
}

/// The gateway: every piece of state the request path needs.
#[derive(Debug)]
pub struct App {
    authenticator: Authenticator,
    owners: IdList,
    limiter: Backend,
    resolver: ClientIpResolver,
    classifier: Classifier,
    webhooks: Registry,
    replay: Arc<dyn ReplayGuard>,
    upstream: Option<Upstream>,
    secrets: Option<Arc<dyn SecretsCache>>,
    recorder: Recorder,
    metrics: PrometheusHandle,
    ids: RequestIds,
    _sweeper: Option<Sweeper>,
    drive_task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(task) = &self.drive_task {
            task.abort();
        }
    }
}

/// The body of `GET /api/me`.
#[derive(serde::Serialize)]
struct Me<'a> {
    method: &'static str,
    user_id: Option<&'a str>,
    role: Option<&'a str>,
    email: Option<&'a str>,
}

/// Per-request facts the handlers share.
struct Ctx {
    id: HeaderValue,
    client: IpAddr,
}

impl Ctx {
    fn id(&self) -> &str {
        self.id.to_str().unwrap_or("invalid")
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn json_response(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The error body every refusal carries: a generic message and the id.
fn error(status: StatusCode, message: &'static str, ctx: &Ctx) -> Response<Body> {
    // Request ids are `[A-Za-z0-9._-]` only: nothing to escape.
    let body = format!(r#"{{"error":"{message}","request_id":"{}"}}"#, ctx.id());
    let mut response = json_response(status, body);
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

fn method_not_allowed(allow: &'static str, ctx: &Ctx) -> Response<Body> {
    let mut response = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed", ctx);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1),
/// plus those the gateway sets itself.
const HOP_BY_HOP: [HeaderName; 9] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    HeaderName::from_static("proxy-connection"),
];

/// Removes hop-by-hop headers, including those `Connection` names.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named.iter().chain(HOP_BY_HOP.iter()) {
        headers.remove(name);
    }
}

/// Walks an error's sources looking for a body over its limit.
fn is_too_large(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

impl App {
    /// Builds the gateway from its settings: connects to Redis when
    /// `RATE_LIMIT_REDIS_URL` is set (limiter and replay guard), builds the
    /// authenticator, the upstream client and the metrics recorder.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let rl = settings.rate_limit;
        let (limiter, replay, sweeper): (Backend, Arc<dyn ReplayGuard>, _) = match &rl.redis_url {
            Some(url) => {
                let limiter = RedisLimiter::connect(url, rl.tiers, rl.on_store_error)
                    .await
                    .map_err(|e| anyhow::anyhow!("RATE_LIMIT_REDIS_URL: {e}"))?;
                let guard = RedisReplayGuard::connect(url)
                    .await
                    .map_err(|e| anyhow::anyhow!("RATE_LIMIT_REDIS_URL: {e}"))?;
                (Backend::Redis(Arc::new(limiter)), Arc::new(guard), None)
            }
            None => {
                let limiter = Arc::new(RateLimiter::with_store_and_clock(
                    rl.tiers,
                    MemoryStore::new(rl.max_clients),
                    MonotonicClock::new(),
                ));
                let sweeper = limiter.spawn_sweeper(rl.cleanup);
                (
                    Backend::Memory(limiter),
                    Arc::new(MemoryReplayGuard::new(
                        alphaguard_webhook_hmac::replay::DEFAULT_CAPACITY,
                    )),
                    Some(sweeper),
                )
            }
        };
        let authenticator = Authenticator::from_config(&settings.auth)
            .map_err(|e| anyhow::anyhow!("authentication: {e}"))?;
        if let Some(JwtVerifier::Local(local)) = authenticator.jwt() {
            match local.preload().await {
                Ok(keys) => tracing::info!(keys, "Supabase signing keys loaded"),
                Err(e) => tracing::warn!(
                    reason = e.reason(),
                    "Supabase signing keys not loaded yet; will retry on demand"
                ),
            }
        }
        let upstream = match settings.upstream {
            Some(base) => Some(Upstream {
                client: reqwest::Client::builder()
                    .timeout(settings.upstream_timeout)
                    .connect_timeout(settings.upstream_timeout.min(Duration::from_secs(5)))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| anyhow::anyhow!("upstream client: {e}"))?,
                base,
            }),
            None => None,
        };
        let google = if settings.google.is_configured() {
            let credentials =
                alphaguard_gcp_secrets::GoogleCredentials::from_config(&settings.google)
                    .await
                    .map_err(|e| anyhow::anyhow!("Google credentials: {e}"))?;
            Some(Arc::new(credentials))
        } else {
            None
        };
        let drive_task = match (&google, settings.drive) {
            (Some(credentials), Some(drive)) => {
                tracing::info!(folder = %drive.folder_id, dir = %drive.dir.display(), "Drive mirror enabled");
                Some(crate::drive::spawn(Arc::clone(credentials), drive))
            }
            _ => None,
        };
        Ok(Self {
            authenticator,
            owners: settings.auth.owners.clone(),
            limiter,
            resolver: rl.resolver,
            classifier: Classifier::default(),
            webhooks: settings.webhooks,
            replay,
            upstream,
            secrets: google.map(|g| g as Arc<dyn SecretsCache>),
            recorder: Recorder::new(settings.observability_window),
            metrics: observe::prometheus(),
            ids: RequestIds::default(),
            _sweeper: sweeper,
            drive_task,
        })
    }

    /// Connects the secrets cache the owner-only clear-cache route clears.
    pub fn with_secrets_cache(mut self, cache: Arc<dyn SecretsCache>) -> Self {
        self.secrets = Some(cache);
        self
    }

    /// The Prometheus handle (for the exporter's upkeep).
    pub fn metrics(&self) -> &PrometheusHandle {
        &self.metrics
    }

    fn route_class(&self, path: &str) -> RouteClass {
        match path {
            "/health" | "/metrics" => RouteClass::Probe,
            "/api/observability" => RouteClass::Observability,
            p if p.starts_with("/api/") => RouteClass::Api,
            p => match p.strip_prefix("/webhooks/") {
                Some(name) => DEFAULT_WEBHOOKS
                    .iter()
                    .position(|w| w.name == name)
                    .map_or(RouteClass::Other, RouteClass::Webhook),
                None => RouteClass::Other,
            },
        }
    }

    /// Answers one request from `peer`. Never fails: every problem is an
    /// HTTP answer with a generic JSON error and the request id, the detail
    /// in the log.
    pub async fn handle<B>(&self, request: Request<B>, peer: SocketAddr) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let started = Instant::now();
        let key = self.resolver.key(peer.ip(), request.headers());
        let ctx = Ctx {
            id: self.ids.accept_or_make(request.headers().get(X_REQUEST_ID)),
            client: key.to_ip(),
        };
        let class = self.route_class(request.uri().path());
        let tier = self
            .classifier
            .classify(request.method(), request.uri().path());
        let decision = self.limiter.check(tier, &key).await;
        let mut response = if decision.allowed {
            if tracing::enabled!(tracing::Level::DEBUG) {
                tracing::debug!(
                    request_id = ctx.id(),
                    client = %ctx.client,
                    method = %request.method(),
                    path = %safe_log_message(request.uri().path()),
                    "request"
                );
            }
            self.route(request, class, &ctx).await
        } else {
            metrics::counter!(RATE_LIMITED, "tier" => tier.as_str()).increment(1);
            tracing::info!(request_id = ctx.id(), client = %ctx.client, tier = tier.as_str(), "rate limited");
            error(StatusCode::TOO_MANY_REQUESTS, "too many requests", &ctx)
        };
        set_rate_limit_headers(
            response.headers_mut(),
            tier,
            self.limiter.quota(tier),
            &decision,
        );
        response.headers_mut().insert(X_REQUEST_ID, ctx.id.clone());
        self.recorder
            .record(class, response.status().as_u16(), started.elapsed());
        response
    }

    async fn route<B>(&self, request: Request<B>, class: RouteClass, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let method = request.method();
        let path = request.uri().path();
        let read = method == Method::GET || method == Method::HEAD;
        match (class, path) {
            (RouteClass::Probe, "/health") if read => {
                json_response(StatusCode::OK, &br#"{"status":"ok"}"#[..])
            }
            (RouteClass::Probe, "/metrics") if read => {
                let mut response = Response::new(full(self.metrics.render()));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                );
                response
            }
            (RouteClass::Probe, _) => method_not_allowed("GET, HEAD", ctx),
            (RouteClass::Observability, _) if read => self.observability(request.headers(), ctx),
            (RouteClass::Observability, _) => method_not_allowed("GET, HEAD", ctx),
            (RouteClass::Api, "/api/me") if read => self.me(request.headers(), ctx).await,
            (RouteClass::Api, "/api/me") => method_not_allowed("GET, HEAD", ctx),
            (RouteClass::Api, p) if p.starts_with("/api/admin/") => self.admin(request, ctx).await,
            (RouteClass::Api, _) => self.proxy_api(request, ctx).await,
            (RouteClass::Webhook(_), _) if method != Method::POST => {
                method_not_allowed("POST", ctx)
            }
            (RouteClass::Webhook(_), _) => self.webhook(request, ctx).await,
            (RouteClass::Other, p) if p.starts_with("/webhooks/") && method != Method::POST => {
                method_not_allowed("POST", ctx)
            }
            (RouteClass::Other, _) => error(StatusCode::NOT_FOUND, "not found", ctx),
        }
    }

    /// Authenticates, counting and logging failures.
    async fn authenticate(
        &self,
        headers: &HeaderMap,
        ctx: &Ctx,
    ) -> Result<Identity, Response<Body>> {
        match self.authenticator.authenticate(headers).await {
            Ok(identity) => Ok(identity),
            Err(e) => {
                metrics::counter!(AUTH_FAILURES, "reason" => e.reason()).increment(1);
                tracing::info!(request_id = ctx.id(), client = %ctx.client, reason = e.reason(), "authentication failed");
                Err(match e {
                    AuthError::Unauthorized(_) => {
                        error(StatusCode::UNAUTHORIZED, "unauthorized", ctx)
                    }
                    _ => error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "authentication unavailable",
                        ctx,
                    ),
                })
            }
        }
    }

    fn observability(&self, headers: &HeaderMap, ctx: &Ctx) -> Response<Body> {
        match self.authenticator.authenticate_api_key(headers) {
            None => {
                tracing::info!(
                    request_id = ctx.id(),
                    "observability asked for, but no API_KEY is configured"
                );
                error(StatusCode::SERVICE_UNAVAILABLE, "service unavailable", ctx)
            }
            Some(Err(e)) => {
                metrics::counter!(AUTH_FAILURES, "reason" => e.reason()).increment(1);
                error(StatusCode::UNAUTHORIZED, "unauthorized", ctx)
            }
            Some(Ok(_)) => json_response(
                StatusCode::OK,
                self.recorder.rolling().snapshot().to_string(),
            ),
        }
    }

    async fn me(&self, headers: &HeaderMap, ctx: &Ctx) -> Response<Body> {
        match self.authenticate(headers, ctx).await {
            Ok(who) => {
                let me = Me {
                    method: who.method.as_str(),
                    user_id: who.subject.as_deref(),
                    role: who.role.as_deref(),
                    email: who.email.as_deref(),
                };
                match serde_json::to_vec(&me) {
                    Ok(body) => json_response(StatusCode::OK, body),
                    Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", ctx),
                }
            }
            Err(response) => response,
        }
    }

    async fn admin<B>(&self, request: Request<B>, ctx: &Ctx) -> Response<Body> {
        if request.method() != Method::POST {
            return method_not_allowed("POST", ctx);
        }
        let who = match self.authenticate(request.headers(), ctx).await {
            Ok(who) => who,
            Err(response) => return response,
        };
        if require_owner(&who, &self.owners).is_err() {
            tracing::warn!(
                request_id = ctx.id(),
                client = %ctx.client,
                user = ?who.subject,
                "admin operation refused: not an owner"
            );
            return error(StatusCode::FORBIDDEN, "forbidden", ctx);
        }
        match request.uri().path() {
            "/api/admin/secrets/clear-cache" => match &self.secrets {
                Some(cache) => {
                    let cleared = cache.clear();
                    tracing::warn!(
                        request_id = ctx.id(),
                        user = ?who.subject,
                        discord_id = ?who.discord_id,
                        cleared,
                        "AUDIT: secrets cache cleared by an owner"
                    );
                    json_response(
                        StatusCode::OK,
                        format!(r#"{{"status":"cleared","entries":{cleared}}}"#),
                    )
                }
                None => {
                    tracing::info!(request_id = ctx.id(), "no secrets cache is configured");
                    error(StatusCode::SERVICE_UNAVAILABLE, "service unavailable", ctx)
                }
            },
            _ => error(StatusCode::NOT_FOUND, "not found", ctx),
        }
    }

    async fn webhook<B>(&self, request: Request<B>, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = request.into_parts();
        let name = parts.uri.path().trim_start_matches("/webhooks/");
        let Some(hook) = self.webhooks.get(name) else {
            return error(StatusCode::NOT_FOUND, "not found", ctx);
        };
        let name = hook.name();
        let count = |result: &'static str| {
            metrics::counter!(WEBHOOK_VERIFICATIONS, "name" => name, "result" => result)
                .increment(1);
        };
        let accepted = match accept(
            hook,
            &parts.headers,
            body,
            WEBHOOK_BODY_LIMIT,
            Some(self.replay.as_ref()),
        )
        .await
        {
            Ok(accepted) => accepted,
            Err(refusal) => {
                let (result, status, message) = match &refusal {
                    Refusal::Duplicate => {
                        count("duplicate");
                        tracing::info!(
                            request_id = ctx.id(),
                            webhook = name,
                            "repeated webhook-id acknowledged, not forwarded"
                        );
                        return json_response(StatusCode::OK, &br#"{"status":"duplicate"}"#[..]);
                    }
                    Refusal::TooLarge => (
                        "too_large",
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload too large",
                    ),
                    Refusal::BadBody(_) => ("bad_body", StatusCode::BAD_REQUEST, "bad request"),
                    Refusal::BadSignature(_) => {
                        ("rejected", StatusCode::UNAUTHORIZED, "invalid signature")
                    }
                    Refusal::GuardFailed(_) => (
                        "guard_failed",
                        StatusCode::SERVICE_UNAVAILABLE,
                        "service unavailable",
                    ),
                    _ => ("refused", StatusCode::BAD_REQUEST, "bad request"),
                };
                count(result);
                tracing::warn!(request_id = ctx.id(), client = %ctx.client, webhook = name, refusal = ?refusal, "webhook refused");
                return error(status, message, ctx);
            }
        };
        let (bytes, verified, recorded) = (accepted.body, accepted.verified, accepted.recorded);
        count(if verified.is_some() {
            "verified"
        } else {
            "unconfigured"
        });
        let Some(upstream) = &self.upstream else {
            tracing::info!(
                request_id = ctx.id(),
                webhook = name,
                verified = verified.is_some(),
                bytes = bytes.len(),
                "webhook accepted; no UPSTREAM_URL to forward it to"
            );
            return json_response(StatusCode::ACCEPTED, &br#"{"status":"accepted"}"#[..]);
        };
        let mut forward = upstream
            .client
            .post(format!("{}/webhooks/{name}", upstream.base))
            .header(X_REQUEST_ID, ctx.id.clone())
            .header(
                X_WEBHOOK_VERIFIED,
                if verified.is_some() { "true" } else { "false" },
            );
        for name in [
            header::CONTENT_TYPE,
            HeaderName::from_static("webhook-id"),
            HeaderName::from_static("webhook-timestamp"),
        ] {
            if let Some(value) = parts.headers.get(&name) {
                forward = forward.header(name, value.clone());
            }
        }
        let outcome = forward.body(bytes).send().await;
        match outcome {
            Ok(response) if response.status().is_success() => {
                json_response(StatusCode::OK, &br#"{"status":"forwarded"}"#[..])
            }
            failed => {
                match &failed {
                    Ok(response) => tracing::warn!(
                        request_id = ctx.id(),
                        webhook = name,
                        upstream_status = response.status().as_u16(),
                        "upstream refused the webhook"
                    ),
                    Err(e) => {
                        tracing::warn!(request_id = ctx.id(), webhook = name, timeout = e.is_timeout(), error = %e, "upstream unreachable for the webhook")
                    }
                }
                // Forget the id, so the sender's retry is processed.
                if let Some(key) = recorded
                    && let Err(e) = self.replay.forget(&key).await
                {
                    tracing::error!(request_id = ctx.id(), webhook = name, error = %e, "could not forget a failed delivery");
                }
                error(StatusCode::BAD_GATEWAY, "bad gateway", ctx)
            }
        }
    }

    async fn proxy_api<B>(&self, request: Request<B>, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let who = match self.authenticate(request.headers(), ctx).await {
            Ok(who) => who,
            Err(response) => return response,
        };
        let Some(upstream) = &self.upstream else {
            return error(StatusCode::NOT_FOUND, "not found", ctx);
        };
        let (parts, body) = request.into_parts();
        if declared_length(&parts.headers).is_some_and(|n| n > API_BODY_LIMIT as u64) {
            return error(StatusCode::PAYLOAD_TOO_LARGE, "payload too large", ctx);
        }
        let mut headers = parts.headers;
        strip_hop_by_hop(&mut headers);
        strip_identity_headers(&mut headers);
        for name in [
            header::HOST,
            HeaderName::from_static(API_KEY_HEADER),
            X_REQUEST_ID,
            header::FORWARDED,
            HeaderName::from_static("x-forwarded-for"),
            HeaderName::from_static("x-real-ip"),
        ] {
            headers.remove(name);
        }
        headers.insert(X_REQUEST_ID, ctx.id.clone());
        if let Ok(v) = HeaderValue::try_from(ctx.client.to_string()) {
            headers.insert(HeaderName::from_static("x-forwarded-for"), v);
        }
        headers.insert(X_AUTH_METHOD, HeaderValue::from_static(who.method.as_str()));
        let set = |headers: &mut HeaderMap, name: HeaderName, value: Option<String>| {
            if let Some(v) = value.and_then(|v| HeaderValue::try_from(v).ok()) {
                headers.insert(name, v);
            }
        };
        set(&mut headers, X_USER_ID, who.subject.clone());
        set(&mut headers, X_USER_ROLE, who.role.clone());
        set(
            &mut headers,
            X_DISCORD_ID,
            who.discord_id.map(|id| id.to_string()),
        );

        let target = format!(
            "{}{}",
            upstream.base,
            parts.uri.path_and_query().map_or("/", |pq| pq.as_str())
        );
        let body = reqwest::Body::wrap(Limited::new(body, API_BODY_LIMIT));
        let sent = upstream
            .client
            .request(parts.method, target)
            .headers(headers)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_server_error() => {
                tracing::warn!(
                    request_id = ctx.id(),
                    upstream_status = response.status().as_u16(),
                    "upstream error hidden from the client"
                );
                error(StatusCode::BAD_GATEWAY, "bad gateway", ctx)
            }
            Ok(response) => {
                let response: Response<reqwest::Body> = response.into();
                let (mut parts, body) = response.into_parts();
                strip_hop_by_hop(&mut parts.headers);
                let body = body.map_err(|e| Box::new(e) as BoxError).boxed_unsync();
                Response::from_parts(parts, body)
            }
            Err(e) if is_too_large(&e) => {
                error(StatusCode::PAYLOAD_TOO_LARGE, "payload too large", ctx)
            }
            Err(e) => {
                tracing::warn!(request_id = ctx.id(), timeout = e.is_timeout(), error = %e, "upstream unreachable");
                error(StatusCode::BAD_GATEWAY, "bad gateway", ctx)
            }
        }
    }
}
