//! The composition root: the state the request path needs, and the request
//! path itself, top to bottom — client address, request id, canonical path
//! and route (decided once), CORS, rate limit, handler, access log.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use alphaguard_auth::{Authenticator, IdList, Identity, JwtVerifier};
use alphaguard_rate_limit::headers::{policy_value, set_rate_limit_state};
use alphaguard_rate_limit::{
    Backend, ClientIpResolver, ClientKey, MemoryStore, MonotonicClock, RateLimited, RateLimiter,
    RedisLimiter, Sweeper, Tier,
};
use alphaguard_webhook_hmac::Registry;
use bytes::Bytes;
use http::header::HeaderValue;
use http::{Request, Response};
use metrics_exporter_prometheus::PrometheusHandle;
use tower::{Layer as _, ServiceExt as _};
use tower_http::cors::CorsLayer;

use crate::addr_text::AddrText;
use crate::audit;
use crate::drive::DriveMirror;
use crate::forward::Upstream;
use crate::inbox::metrics::Outcomes;
use crate::inbox::{Inbox, InboxUrl, WorkerHandle, WorkerOptions};
use crate::observe::{self, RATE_LIMITED, Recorder};
use crate::path::CanonicalPath;
use crate::ready::Readiness;
use crate::request_id::{RequestIds, X_REQUEST_ID};
use crate::respond::{self, Body, BoxError};
use crate::route::{Auth, Route, RouteOptions, TIERS, TierId};
use crate::settings::Settings;

pub use crate::forward::{X_AUTH_METHOD, X_DISCORD_ID, X_USER_ID, X_USER_ROLE, X_WEBHOOK_VERIFIED};
pub use crate::route::{API_BODY_LIMIT, WEBHOOK_BODY_LIMIT};

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

/// The gateway: every piece of state the request path needs.
#[derive(Debug)]
pub struct App {
    pub(crate) authenticator: Authenticator,
    pub(crate) owners: IdList,
    limiter: Backend,
    /// Probes are counted here when the shared limiter is Redis: a store
    /// outage must not turn `/health` into 429.
    probe_limiter: Option<Arc<RateLimiter>>,
    tiers: [Tier; TIERS.len()],
    /// Each tier's `RateLimit-Policy` value, made once.
    policies: [Option<HeaderValue>; TIERS.len()],
    resolver: ClientIpResolver,
    routes: RouteOptions,
    cors: Option<CorsLayer>,
    access_log: bool,
    pub(crate) webhooks: Registry,
    /// Where verified deliveries are persisted before 2xx; also the
    /// webhooks' replay memory.
    pub(crate) inbox: Inbox,
    inbox_worker: std::sync::Mutex<Option<WorkerHandle>>,
    pub(crate) outcomes: Arc<Outcomes>,
    pub(crate) upstream: Option<Arc<Upstream>>,
    pub(crate) secrets: Option<Arc<dyn SecretsCache>>,
    pub(crate) recorder: Recorder,
    pub(crate) metrics: PrometheusHandle,
    ids: RequestIds,
    _sweepers: Vec<Sweeper>,
    pub(crate) drive: Option<Arc<DriveMirror>>,
    drive_task: Option<tokio::task::JoinHandle<()>>,
    /// What `/ready` waits for, probed by `readiness_task`.
    pub(crate) readiness: Arc<Readiness>,
    readiness_task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        for task in [&self.drive_task, &self.readiness_task]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}

/// What the request path decided about one request, decided once; every
/// later step reads it.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) id: HeaderValue,
    /// The client's full address (logs, `X-Forwarded-For`).
    pub(crate) client: IpAddr,
    /// The same, as the log lines write it.
    pub(crate) client_text: AddrText,
    /// The limiter's key (IPv6 masked to its prefix).
    key: ClientKey,
    pub(crate) via_trusted_proxy: bool,
    pub(crate) path: Option<CanonicalPath>,
    pub(crate) route: Route,
    /// How the caller authenticated, once a handler knows (access log).
    auth: OnceLock<&'static str>,
    /// Whether this request's `AUDIT` line is written.
    audited: AtomicBool,
}

impl Ctx {
    pub(crate) fn id(&self) -> &str {
        self.id.to_str().unwrap_or("invalid")
    }

    /// Notes the identity for the access log and hands it on.
    pub(crate) fn identified(&self, who: Identity) -> Identity {
        let _ = self.auth.set(who.method.as_str());
        who
    }

    /// Notes that the request's `AUDIT` line is written.
    pub(crate) fn mark_audited(&self) {
        self.audited.store(true, Ordering::Relaxed);
    }
}

/// What a request owes the logs and metrics if its future is dropped
/// before it answers (the client hung up, or the connection was closed
/// under it): the access line and the request count, with nginx's 499
/// ("client closed request"), and, on an owner route whose `AUDIT` line
/// is not written yet, one with the outcome `abandoned`. Without it a
/// caller could probe owner routes and hang up while its token was being
/// checked, leaving no line at all.
struct Unanswered<'a> {
    app: &'a App,
    ctx: &'a Ctx,
    method: &'a http::Method,
    started: Instant,
    answered: bool,
}

impl Drop for Unanswered<'_> {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        if self.ctx.route.auth == Auth::Owner && !self.ctx.audited.load(Ordering::Relaxed) {
            audit::owner_action(
                self.ctx,
                None,
                self.ctx.route.handler.label(),
                "abandoned",
                Some("client_closed"),
            );
        }
        let latency = self.started.elapsed();
        self.app
            .recorder
            .record(self.ctx.route.class, CLIENT_CLOSED, latency);
        self.app
            .access_line(self.ctx, self.method, CLIENT_CLOSED, latency);
    }
}

/// nginx's status for a request whose client went away before the answer.
const CLIENT_CLOSED: u16 = 499;

impl App {
    /// Builds the gateway from its settings: the Redis limiter when
    /// `RATE_LIMIT_REDIS_URL` is set (connected lazily: Redis may come
    /// later), the webhook inbox (`WEBHOOK_INBOX_URL`) and its delivery
    /// worker when there is an upstream, the authenticator, the upstream
    /// client, the metrics recorder, and the readiness probes of `/ready`.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let rl = settings.rate_limit;
        let tiers = TIERS.map(|spec| rl.tiers.get(spec.name));
        let Some(tiers) = tiers.iter().copied().collect::<Option<Vec<Tier>>>() else {
            anyhow::bail!("rate limit: a tier of the route table is missing");
        };
        let tiers: [Tier; TIERS.len()] = tiers
            .try_into()
            .map_err(|_| anyhow::anyhow!("rate limit: tier count"))?;
        let policies = TIERS.map(|spec| {
            rl.tiers
                .get(spec.name)
                .and_then(|tier| rl.tiers.quota(tier))
                .and_then(|quota| policy_value(spec.name, quota))
        });
        let memory_limiter = || {
            Arc::new(RateLimiter::with_store_and_clock(
                rl.tiers.clone(),
                MemoryStore::new(rl.max_clients),
                MonotonicClock::new(),
            ))
        };
        let mut sweepers = Vec::new();
        let mut readiness = Readiness::default();
        let (limiter, probe_limiter): (Backend, _) = match &rl.redis_url {
            Some(url) => {
                // Lazy: the gateway starts (and /health answers) while Redis
                // is away; checks follow RATE_LIMIT_ON_STORE_ERROR and /ready
                // says 503 until it answers.
                let limiter = Arc::new(
                    RedisLimiter::connect_lazy(url, rl.tiers.clone(), rl.on_store_error)
                        .map_err(|e| anyhow::anyhow!("RATE_LIMIT_REDIS_URL: {e}"))?,
                );
                let l = Arc::clone(&limiter);
                readiness.add("redis", move || {
                    let l = Arc::clone(&l);
                    async move { l.ping().await.is_ok() }
                });
                let probes = memory_limiter();
                sweepers.push(probes.spawn_sweeper(rl.cleanup));
                (Backend::Redis(limiter), Some(probes))
            }
            None => {
                let limiter = memory_limiter();
                sweepers.push(limiter.spawn_sweeper(rl.cleanup));
                (Backend::Memory(limiter), None)
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
        let upstream = match &settings.upstream {
            Some(base) => Some(Arc::new(Upstream::new(base, settings.upstream_timeout)?)),
            None => None,
        };
        let inbox_settings = &settings.inbox;
        let inbox = Inbox::open_with(
            &inbox_settings.url,
            inbox_settings.max_pending,
            inbox_settings.visibility,
        )
        .await
        .map_err(|e| anyhow::anyhow!("WEBHOOK_INBOX_URL: {e}"))?;
        if inbox_settings.url == InboxUrl::Memory {
            tracing::warn!(
                "!!! WEBHOOK_INBOX_URL=memory: acknowledged webhooks are lost when the process stops. Development only. !!!"
            );
        }
        let probed = inbox.clone();
        readiness.add("webhook_inbox", move || {
            let inbox = probed.clone();
            async move { inbox.summary().await.is_ok() }
        });
        let outcomes = Arc::new(Outcomes::new(settings.observability_window));
        let inbox_worker = match &upstream {
            Some(upstream) => Some(inbox.start_worker(
                Arc::clone(upstream),
                WorkerOptions {
                    concurrency: inbox_settings.concurrency,
                    max_attempts: inbox_settings.max_attempts,
                    max_age: inbox_settings.max_age,
                    retry_min: inbox_settings.retry_min,
                    retry_max: inbox_settings.retry_max,
                    touch_every: inbox_settings.visibility / 3,
                    shutdown_grace: settings.upstream_timeout,
                    outcomes: Some(Arc::clone(&outcomes)),
                    ..WorkerOptions::default()
                },
            )),
            None => {
                tracing::warn!(
                    inbox = inbox.kind(),
                    "no UPSTREAM_URL: verified webhooks are persisted but not delivered until one is set"
                );
                None
            }
        };
        let google = if settings.google.is_configured() {
            let credentials =
                alphaguard_gcp_secrets::GoogleCredentials::from_config(&settings.google)
                    .await
                    .map_err(|e| anyhow::anyhow!("Google credentials: {e}"))?;
            let credentials = Arc::new(credentials);
            let c = Arc::clone(&credentials);
            readiness.add("google_credentials", move || {
                let c = Arc::clone(&c);
                async move { c.service_account_json().await.is_ok() }
            });
            Some(credentials)
        } else {
            None
        };
        let readiness = Arc::new(readiness);
        let readiness_task = readiness.spawn();
        let drive = match (&google, settings.drive) {
            (Some(credentials), Some(drive)) => {
                tracing::info!(folder = %drive.folder_id, dir = %drive.dir.display(), "Drive mirror enabled");
                Some(DriveMirror::new(Arc::clone(credentials), drive))
            }
            _ => None,
        };
        let drive_task = drive.as_ref().map(DriveMirror::spawn_schedule);
        Ok(Self {
            authenticator,
            owners: settings.auth.owners.clone(),
            limiter,
            probe_limiter,
            tiers,
            policies,
            resolver: rl.resolver,
            routes: RouteOptions {
                public_metrics: settings.metrics_bind.is_none(),
            },
            cors: settings.cors.layer(),
            access_log: settings.access_log,
            webhooks: settings.webhooks,
            inbox,
            inbox_worker: std::sync::Mutex::new(inbox_worker),
            outcomes,
            upstream,
            secrets: google.map(|g| g as Arc<dyn SecretsCache>),
            recorder: Recorder::new(settings.observability_window),
            metrics: observe::prometheus(),
            ids: RequestIds::default(),
            _sweepers: sweepers,
            drive,
            drive_task,
            readiness,
            readiness_task,
        })
    }

    /// Connects the secrets cache the owner-only clear-cache route clears.
    pub fn with_secrets_cache(mut self, cache: Arc<dyn SecretsCache>) -> Self {
        self.secrets = Some(cache);
        self
    }

    /// The webhook inbox.
    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }

    /// Stops the inbox's delivery worker: in-flight deliveries get the
    /// upstream timeout to finish, the rest go back to the queue. Call
    /// after the server stopped taking requests.
    pub async fn shutdown_inbox(&self) {
        let worker = self
            .inbox_worker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(worker) = worker {
            worker.shutdown().await;
            tracing::info!("webhook inbox worker stopped");
        }
    }

    /// The Prometheus handle (for the exporter's upkeep).
    pub fn metrics(&self) -> &PrometheusHandle {
        &self.metrics
    }

    /// Copies the counters the crates keep into the metrics.
    pub fn export_counters(&self) {
        observe::export_counters(
            self.limiter.evictions()
                + self
                    .probe_limiter
                    .as_ref()
                    .map_or(0, |l| l.store().evictions()),
            self.limiter.store_failures(),
        );
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
        // Kept for the access line (standard methods are copied, not
        // allocated).
        let method = request.method().clone();
        let peer_ip = peer.ip().to_canonical();
        let client = self.resolver.resolve(peer_ip, request.headers());
        let id = self.ids.accept_or_make(request.headers().get(X_REQUEST_ID));
        let (path, route) = match CanonicalPath::parse(request.uri().path()) {
            Ok(path) if let Some((reason, route)) = refused_head(&request) => {
                tracing::info!(request_id = id.to_str().unwrap_or("invalid"), client = %client, reason, "request refused");
                (Some(path), route)
            }
            Ok(path) => {
                let route = Route::parse(request.method(), &path, self.routes);
                (Some(path), route)
            }
            Err(e) => {
                tracing::info!(request_id = id.to_str().unwrap_or("invalid"), client = %client, reason = e.as_str(), "path refused");
                (None, Route::bad_path())
            }
        };
        let ctx = Ctx {
            id,
            client,
            client_text: AddrText::new(client),
            key: self.resolver.key_of(client),
            via_trusted_proxy: self.resolver.is_trusted(peer_ip),
            path,
            route,
            auth: OnceLock::new(),
            audited: AtomicBool::new(false),
        };
        let mut unanswered = Unanswered {
            app: self,
            ctx: &ctx,
            method: &method,
            started,
            answered: false,
        };
        let mut response = match &self.cors {
            // Preflights are answered by the CORS layer, before limits and
            // auth; other responses get the allowed origin's headers. The
            // layer takes every OPTIONS for a preflight: one that is not
            // (no `Origin` or no `Access-Control-Request-Method`) bypasses
            // it, to be authenticated, limited and forwarded as without
            // CORS (it was answered 200 for any path, unauthenticated).
            // A path refused at the edge is refused for preflights too
            // (400, counted in the write tier), without CORS headers.
            Some(cors) if ctx.path.is_some() && !is_not_preflight_options(&request) => {
                let inner = tower::service_fn(|request: Request<B>| async {
                    Ok::<_, Infallible>(self.limited(request, &ctx).await)
                });
                match cors.layer(inner).oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
            _ => self.limited(request, &ctx).await,
        };
        unanswered.answered = true;
        response.headers_mut().insert(X_REQUEST_ID, ctx.id.clone());
        let latency = started.elapsed();
        let status = response.status().as_u16();
        self.recorder.record(ctx.route.class, status, latency);
        self.access_line(&ctx, &method, status, latency);
        response
    }

    /// The request's line in the access log (when it is on).
    fn access_line(&self, ctx: &Ctx, method: &http::Method, status: u16, latency: Duration) {
        if self.access_log {
            tracing::info!(
                target: "alphaguard::access",
                request_id = ctx.id(),
                client = ctx.client_text.as_str(),
                method = method.as_str(),
                route = ctx.route.handler.label(),
                path = ctx.path.as_ref().map_or("-", CanonicalPath::as_str),
                status,
                latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
                tier = ctx.route.tier.name(),
                auth = ctx.auth.get().copied().unwrap_or("-"),
                "access"
            );
        }
    }

    /// Rate limit by the route's tier, then the handler.
    async fn limited<B>(&self, request: Request<B>, ctx: &Ctx) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let tier_id = ctx.route.tier;
        let tier = self.tiers[tier_id as usize];
        let decision = match (&self.probe_limiter, tier_id) {
            (Some(local), TierId::Probe) => local.check(tier, &ctx.key),
            _ => self.limiter.check(tier, &ctx.key).await,
        };
        let mut response = if decision.allowed {
            self.dispatch(request, ctx).await
        } else {
            metrics::counter!(RATE_LIMITED, "tier" => tier_id.name()).increment(1);
            tracing::info!(
                request_id = ctx.id(),
                client = ctx.client_text.as_str(),
                tier = tier_id.name(),
                "rate limited"
            );
            respond::refusal(&RateLimited, ctx.id())
        };
        if let Some(policy) = &self.policies[tier_id as usize] {
            set_rate_limit_state(response.headers_mut(), tier_id.name(), policy, &decision);
        }
        response
    }
}

/// An `OPTIONS` request that is not a CORS preflight: without `Origin` or
/// without `Access-Control-Request-Method` (the Fetch standard's test).
fn is_not_preflight_options<B>(request: &Request<B>) -> bool {
    let headers = request.headers();
    request.method() == http::Method::OPTIONS
        && !(headers.contains_key(http::header::ORIGIN)
            && headers.contains_key(http::header::ACCESS_CONTROL_REQUEST_METHOD))
}

/// What RFC 9112 asks a server to refuse in a head hyper takes: in
/// HTTP/1.1 a request without `Host` (§3.2); two `Host` lines or one that
/// is not `host[:port]` (the gateway and the upstream could each read
/// another); a transfer coding other than one `chunked` on one line
/// (§6.1: hyper frames `gzip, chunked`, or `chunked` then `gzip, chunked`
/// on two lines, by the last coding and would forward the gzip bytes as
/// they are). HTTP/2 names its authority in `:authority`.
fn refused_head<B>(request: &Request<B>) -> Option<(&'static str, Route)> {
    let mut hosts = request.headers().get_all(http::header::HOST).iter();
    let bad_host = match (hosts.next(), hosts.next()) {
        (_, Some(_)) => Some("two_hosts"),
        (None, None) => (request.version() == http::Version::HTTP_11).then_some("no_host"),
        (Some(host), None) => (!is_host(host.as_bytes())).then_some("bad_host"),
    };
    if let Some(reason) = bad_host {
        return Some((reason, Route::bad_path()));
    }
    // Every line: hyper frames by the last coding of them all.
    let mut codings = request
        .headers()
        .get_all(http::header::TRANSFER_ENCODING)
        .iter();
    let first = codings.next()?;
    let one_chunked = first
        .as_bytes()
        .trim_ascii()
        .eq_ignore_ascii_case(b"chunked")
        && codings.next().is_none();
    (!one_chunked).then(|| ("transfer_coding", Route::unknown_coding()))
}

/// `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2): an IPv6
/// literal in brackets, or a registered name or IPv4 address (unreserved
/// characters, escapes, sub-delimiters), then after a colon a port from 1
/// to 65535 (or none). No user information, white space, path or second
/// authority.
fn is_host(value: &[u8]) -> bool {
    let (host_ok, rest) = match value.strip_prefix(b"[") {
        Some(literal) => match literal.iter().position(|&b| b == b']') {
            Some(end) => (
                std::str::from_utf8(&literal[..end])
                    .is_ok_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok()),
                &literal[end + 1..],
            ),
            None => return false,
        },
        None => {
            let end = value.iter().position(|&b| b == b':').unwrap_or(value.len());
            (crate::path::is_reg_name(&value[..end]), &value[end..])
        }
    };
    host_ok
        && match rest.split_first() {
            None => true,
            // A port is digits (none at all is allowed, RFC 3986 §3.2.3)
            // naming one of the 65,535 that exist.
            Some((b':', port)) => {
                port.is_empty()
                    || (port.iter().all(u8::is_ascii_digit)
                        && std::str::from_utf8(port)
                            .is_ok_and(|p| p.parse::<u16>().is_ok_and(|p| p > 0)))
            }
            Some(_) => false,
        }
}

#[cfg(test)]
mod tests {
    use super::is_host;

    #[test]
    fn hosts_are_host_and_port_only() {
        for good in [
            "gw.test",
            "gw.test:8080",
            "gw.test:65535",
            "gw.test:0080",
            "gw.test:",
            "",
            "127.0.0.1",
            "[::1]",
            "[::1]:443",
            "xn--bcher-kva.example",
            "caf%C3%A9.example",
            "a,b",
        ] {
            assert!(is_host(good.as_bytes()), "{good:?}");
        }
        for bad in [
            "a, b",
            "user@evil.example",
            "user:pw@evil.example",
            "evil.example/x",
            "evil.example?x",
            "evil.example#x",
            "evil\\example",
            "[::1",
            "[::1]x",
            "[not-an-ip]",
            "[::1]:80:81",
            "gw.test:80x",
            "gw.test:80:81",
            "gw.test:-1",
            "gw.test:0",
            "gw.test:65536",
            "x:999999999999",
            "[::1]:70000",
            "caf%C.example",
            "caf\u{e9}.example",
        ] {
            assert!(!is_host(bad.as_bytes()), "{bad:?}");
        }
    }
}
