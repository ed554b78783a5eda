//! The route table: one row per route, and [`Route::parse`], the one place
//! that reads the (canonical) path. Routing, rate limiting, metrics and
//! authentication all read the [`Route`] it returns.

use alphaguard_rate_limit::TierSpec;
use http::Method;

use crate::inbox::admin::InboxOp;
use crate::observe::RouteClass;
use crate::path::{CanonicalPath, reads_as};
use crate::webhooks;

/// The gateway's rate-limit tiers: service data. The order is
/// [`TierId`]'s.
pub const TIERS: [TierSpec; 4] = [
    TierSpec {
        name: "probe",
        env_var: "RATE_LIMIT_PROBE_PER_MIN",
        per_minute: 60,
    },
    TierSpec {
        name: "read",
        env_var: "RATE_LIMIT_READ_PER_MIN",
        per_minute: 30,
    },
    TierSpec {
        name: "write",
        env_var: "RATE_LIMIT_WRITE_PER_MIN",
        per_minute: 10,
    },
    TierSpec {
        name: "webhook",
        env_var: "RATE_LIMIT_WEBHOOK_PER_MIN",
        per_minute: 600,
    },
];

/// A tier of [`TIERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TierId {
    /// `/health`, `/ready`, `/metrics`: never fails closed on a store outage.
    Probe = 0,
    /// Safe methods on `/api/...`.
    Read = 1,
    /// Other methods on `/api/...`, and unknown paths.
    Write = 2,
    /// `POST /webhooks/{name}`: senders burst from few addresses.
    Webhook = 3,
}

impl TierId {
    /// Its row in [`TIERS`].
    pub fn spec(self) -> &'static TierSpec {
        &TIERS[self as usize]
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    fn by_method(method: &Method) -> Self {
        if is_safe(method) {
            Self::Read
        } else {
            Self::Write
        }
    }
}

/// What the service runs for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handler {
    /// `GET /health`: liveness.
    Health,
    /// `GET /ready`: readiness (503 until the configured dependencies
    /// answer).
    Ready,
    /// `GET /metrics`: Prometheus text.
    Metrics,
    /// `GET /api/observability`: the rolling view.
    Observability,
    /// `GET /api/me`: the caller's identity.
    Me,
    /// `POST /api/admin/secrets/clear-cache`.
    ClearSecretsCache,
    /// `/api/admin/webhooks/...`: the webhook inbox's owner routes.
    WebhookInbox(InboxOp),
    /// `POST /api/admin/drive/sync`: run the Drive mirror now.
    DriveSync,
    /// `GET /api/admin/drive/status`: the mirror's last run.
    DriveStatus,
    /// `POST /webhooks/{name}`: index into [`webhooks::WEBHOOKS`].
    Webhook(usize),
    /// Any other `/api/...`: forwarded upstream.
    Proxy,
    /// A known path with another method: 405 with this `Allow`.
    MethodNotAllowed(&'static str),
    /// No such route: 404.
    NotFound,
    /// A path that is not canonical, or a head RFC 9112 asks to refuse
    /// (no `Host` in HTTP/1.1, two, an invalid one): 400.
    BadPath,
    /// A transfer coding other than `chunked`: 501.
    UnknownCoding,
}

impl Handler {
    /// A short label for the access log.
    pub fn label(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::Ready => "ready",
            Self::Metrics => "metrics",
            Self::Observability => "observability",
            Self::Me => "me",
            Self::ClearSecretsCache => "admin_clear_cache",
            Self::WebhookInbox(op) => op.label(),
            Self::DriveSync => "admin_drive_sync",
            Self::DriveStatus => "admin_drive_status",
            Self::Webhook(_) => "webhook",
            Self::Proxy => "proxy",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::NotFound => "not_found",
            Self::BadPath => "bad_path",
            Self::UnknownCoding => "unknown_coding",
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone (webhooks check their signatures themselves).
    None,
    /// Any verified identity (JWT or API key; anyone in unauthenticated
    /// development mode).
    Identity,
    /// The service key (`X-Api-Key`) only.
    ServiceKey,
    /// An owner (`OWNER_IDS`, by verified Discord id).
    Owner,
}

/// Everything the service decides about a request from its method and
/// canonical path, decided once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// What runs.
    pub handler: Handler,
    /// The rate-limit tier.
    pub tier: TierId,
    /// The metrics class.
    pub class: RouteClass,
    /// Who may call it.
    pub auth: Auth,
    /// The largest body read or forwarded, in bytes.
    pub body_limit: usize,
}

/// The largest webhook body: 1 MiB.
pub const WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

/// The largest body forwarded on `/api/...`: 10 MiB.
pub const API_BODY_LIMIT: usize = 10 * 1024 * 1024;

fn is_safe(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD || method == Method::OPTIONS
}

/// How a row's path matches.
#[derive(Debug, Clone, Copy)]
enum Match {
    /// This path exactly.
    Exact(&'static str),
    /// This prefix and anything after it.
    Prefix(&'static str),
    /// `/webhooks/{name}` of a configured webhook.
    Webhook,
    /// `under` then a segment that some server reads as `name`
    /// ([`reads_as`]: in any case, with path parameters (`;x`, `%3Bx`), a
    /// suffix (`.json`), trailing white space, compatibility forms,
    /// invisible code points, a second layer of encoding), and
    /// anything after it (`/api/admin`, `/api/ADMIN;x/y`, `/api/admin.json`).
    Segment {
        under: &'static str,
        name: &'static str,
    },
}

/// Which methods a row takes.
#[derive(Debug, Clone, Copy)]
enum Methods {
    /// `GET` and `HEAD`.
    Read,
    /// `POST`.
    Post,
    /// What an API is called with: `GET`, `HEAD`, `POST`, `PUT`, `PATCH`,
    /// `DELETE`, `OPTIONS` (not `TRACE`, `CONNECT` or made-up ones).
    Api,
    /// Any.
    Any,
}

impl Methods {
    fn allows(self, method: &Method) -> bool {
        match self {
            Self::Read => method == Method::GET || method == Method::HEAD,
            Self::Post => method == Method::POST,
            Self::Api => [
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
                Method::OPTIONS,
            ]
            .contains(method),
            Self::Any => true,
        }
    }

    fn allow_header(self) -> &'static str {
        match self {
            Self::Read => "GET, HEAD",
            Self::Post => "POST",
            Self::Api => "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            Self::Any => "",
        }
    }
}

/// One route. `tier: None` counts by method (reads and writes).
struct Row {
    path: Match,
    methods: Methods,
    handler: Handler,
    tier: Option<TierId>,
    class: RouteClass,
    auth: Auth,
    body_limit: usize,
}

/// The routes, first match wins. A new route is one row here and its
/// handler in `handlers.rs`.
const ROUTES: &[Row] = &[
    Row {
        path: Match::Exact("/health"),
        methods: Methods::Read,
        handler: Handler::Health,
        tier: Some(TierId::Probe),
        class: RouteClass::Probe,
        auth: Auth::None,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/ready"),
        methods: Methods::Read,
        handler: Handler::Ready,
        tier: Some(TierId::Probe),
        class: RouteClass::Probe,
        auth: Auth::None,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/metrics"),
        methods: Methods::Read,
        handler: Handler::Metrics,
        tier: Some(TierId::Probe),
        class: RouteClass::Probe,
        auth: Auth::None,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/observability"),
        methods: Methods::Read,
        handler: Handler::Observability,
        tier: Some(TierId::Read),
        class: RouteClass::Observability,
        auth: Auth::ServiceKey,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/me"),
        methods: Methods::Read,
        handler: Handler::Me,
        tier: Some(TierId::Read),
        class: RouteClass::Api,
        auth: Auth::Identity,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/admin/secrets/clear-cache"),
        methods: Methods::Post,
        handler: Handler::ClearSecretsCache,
        tier: Some(TierId::Write),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: 0,
    },
    // The webhook inbox (owners): summary, dead letters, redelivery.
    Row {
        path: Match::Exact("/api/admin/webhooks/inbox"),
        methods: Methods::Read,
        handler: Handler::WebhookInbox(InboxOp::Summary),
        tier: Some(TierId::Read),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/admin/webhooks/dead-letters"),
        methods: Methods::Read,
        handler: Handler::WebhookInbox(InboxOp::DeadLetters),
        tier: Some(TierId::Read),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/admin/webhooks/dead-letters/redeliver"),
        methods: Methods::Post,
        handler: Handler::WebhookInbox(InboxOp::Redeliver),
        tier: Some(TierId::Write),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: crate::inbox::admin::REDELIVER_BODY_LIMIT,
    },
    Row {
        path: Match::Exact("/api/admin/webhooks/dead-letters/redeliver-all"),
        methods: Methods::Post,
        handler: Handler::WebhookInbox(InboxOp::RedeliverAll),
        tier: Some(TierId::Write),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/admin/drive/sync"),
        methods: Methods::Post,
        handler: Handler::DriveSync,
        tier: Some(TierId::Write),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: 0,
    },
    Row {
        path: Match::Exact("/api/admin/drive/status"),
        methods: Methods::Read,
        handler: Handler::DriveStatus,
        tier: Some(TierId::Read),
        class: RouteClass::Api,
        auth: Auth::Owner,
        body_limit: 0,
    },
    // The gateway's own admin surface is never forwarded, however the
    // segment is spelt.
    Row {
        path: Match::Segment {
            under: "/api/",
            name: "admin",
        },
        methods: Methods::Any,
        handler: Handler::NotFound,
        tier: None,
        class: RouteClass::Api,
        auth: Auth::None,
        body_limit: 0,
    },
    Row {
        path: Match::Webhook,
        methods: Methods::Post,
        handler: Handler::Webhook(0),
        tier: Some(TierId::Webhook),
        class: RouteClass::Webhook(0),
        auth: Auth::None,
        body_limit: WEBHOOK_BODY_LIMIT,
    },
    Row {
        path: Match::Prefix("/api/"),
        methods: Methods::Api,
        handler: Handler::Proxy,
        tier: None,
        class: RouteClass::Api,
        auth: Auth::Identity,
        body_limit: API_BODY_LIMIT,
    },
];

/// What [`Route::parse`] needs besides the request: which optional routes
/// this configuration serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteOptions {
    /// Whether `/metrics` is on the public listener (not when
    /// `METRICS_BIND_ADDR` gives it one of its own).
    pub public_metrics: bool,
}

impl Default for RouteOptions {
    fn default() -> Self {
        Self {
            public_metrics: true,
        }
    }
}

impl Route {
    /// The route of a request.
    pub fn parse(method: &Method, path: &CanonicalPath, options: RouteOptions) -> Self {
        let path = path.as_str();
        for row in ROUTES {
            let (handler, class) = match row.path {
                Match::Exact(p) if p == path => (row.handler, row.class),
                Match::Prefix(p) if path.starts_with(p) => (row.handler, row.class),
                Match::Segment { under, name }
                    if path
                        .strip_prefix(under)
                        .and_then(|rest| rest.split('/').next())
                        .is_some_and(|first| reads_as(first, name)) =>
                {
                    (row.handler, row.class)
                }
                Match::Webhook => {
                    match path.strip_prefix("/webhooks/").and_then(webhooks::position) {
                        Some(i) => (Handler::Webhook(i), RouteClass::Webhook(i)),
                        None => continue,
                    }
                }
                _ => continue,
            };
            if handler == Handler::Metrics && !options.public_metrics {
                break;
            }
            let tier = row.tier.unwrap_or_else(|| TierId::by_method(method));
            if !row.methods.allows(method) {
                return Self {
                    handler: Handler::MethodNotAllowed(row.methods.allow_header()),
                    tier,
                    class,
                    auth: Auth::None,
                    body_limit: 0,
                };
            }
            return Self {
                handler,
                tier,
                class,
                auth: row.auth,
                body_limit: row.body_limit,
            };
        }
        Self::not_found(method)
    }

    /// No route: 404, counted by method.
    pub fn not_found(method: &Method) -> Self {
        Self {
            handler: Handler::NotFound,
            tier: TierId::by_method(method),
            class: RouteClass::Other,
            auth: Auth::None,
            body_limit: 0,
        }
    }

    /// A path that is not canonical: 400, counted as a write (the costlier
    /// budget), so probing for traversals is not free.
    pub fn bad_path() -> Self {
        Self {
            handler: Handler::BadPath,
            tier: TierId::Write,
            class: RouteClass::Other,
            auth: Auth::None,
            body_limit: 0,
        }
    }

    /// A body in a transfer coding the gateway does not speak: 501,
    /// counted as a bad path is.
    pub fn unknown_coding() -> Self {
        Self {
            handler: Handler::UnknownCoding,
            ..Self::bad_path()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: Method, path: &str) -> Route {
        Route::parse(
            &method,
            &CanonicalPath::parse(path).unwrap(),
            RouteOptions::default(),
        )
    }

    #[test]
    fn the_table() {
        let r = route(Method::GET, "/health");
        assert_eq!(
            (r.handler, r.tier, r.class, r.auth),
            (
                Handler::Health,
                TierId::Probe,
                RouteClass::Probe,
                Auth::None
            )
        );
        let r = route(Method::GET, "/ready");
        assert_eq!(
            (r.handler, r.tier, r.class, r.auth),
            (Handler::Ready, TierId::Probe, RouteClass::Probe, Auth::None)
        );
        let r = route(Method::POST, "/health");
        assert_eq!(r.handler, Handler::MethodNotAllowed("GET, HEAD"));
        assert_eq!(r.tier, TierId::Probe);
        assert_eq!(route(Method::GET, "/api/me").auth, Auth::Identity);
        assert_eq!(
            route(Method::GET, "/api/observability").auth,
            Auth::ServiceKey
        );
        let r = route(Method::POST, "/api/admin/secrets/clear-cache");
        assert_eq!(
            (r.handler, r.auth),
            (Handler::ClearSecretsCache, Auth::Owner)
        );
        assert_eq!(
            route(Method::GET, "/api/admin/secrets/clear-cache").handler,
            Handler::MethodNotAllowed("POST")
        );
        assert_eq!(
            route(Method::POST, "/api/admin/other").handler,
            Handler::NotFound
        );
        // However the admin segment is spelt, it is not forwarded: servers
        // that ignore case or strip path parameters read these as
        // `/api/admin/...`.
        for path in [
            "/api/admin",
            "/api/admin/",
            "/api/ADMIN/webhooks/inbox",
            "/api/Admin;x/webhooks/inbox",
            "/api/admin;",
            "/api/admin%3B/webhooks/inbox",
            "/api/%61DMIN/drive/sync",
            // Found by an outside review: a suffix (Spring's suffix
            // patterns), a trailing dot or space (Windows, IIS), encoded
            // dots after it, fullwidth letters (NFKC).
            "/api/admin.json",
            "/api/admin.",
            "/api/admin%20/webhooks/inbox",
            "/api/admin%20%20;x/y",
            "/api/admin%2e%2e/x",
            "/api/%EF%BD%81dmin/drive/sync",
            "/api/%EF%BC%A1%EF%BC%A4%EF%BC%AD%EF%BC%A9%EF%BC%AE",
            // Found by a second outside review: a second layer of
            // encoding (a server that decodes twice), Unicode's case
            // rules (Java's `equalsIgnoreCase`: dotless and dotted I),
            // invisible code points (deleted by NFKC_Casefold, IDNA).
            "/api/%2561dmin/secrets/clear-cache",
            "/api/adm%2569n/webhooks/inbox",
            "/api/%2541DMIN/x",
            "/api/admin%253B/x",
            "/api/admin%2520/x",
            "/api/adm%C4%B1n/webhooks/inbox",
            "/api/adm%C4%B0n/webhooks/inbox",
            "/api/ADM%C4%B0N",
            "/api/ad%C2%ADmin/x",
            "/api/admin%E2%80%8B/x",
            "/api/admin%E2%80%8C",
            "/api/%E2%81%A0admin",
            "/api/%EF%BB%BFadmin/x",
            "/api/admin%CD%8F",
            "/api/admin%20%E2%80%8B/x",
            "/api/%E2%80%8Badmin%E2%80%8B.json",
            // Found by a third outside review: escapes that folding makes,
            // IIS's `%u` one layer down, white space before it.
            "/api/%EF%BC%8561dmin/webhooks/inbox",
            "/api/%25%EF%BC%96%EF%BC%91dmin/x",
            "/api/%25EF%25BC%258561dmin/x",
            "/api/%25u0061dmin/webhooks/inbox",
            "/api/%20admin/webhooks/inbox",
            "/api/%C2%A0admin/webhooks/inbox",
            "/api/a%CC%80dmin/webhooks/inbox",
            "/api/%C3%A0dmin/webhooks/inbox",
        ] {
            assert_eq!(
                route(Method::POST, path).handler,
                Handler::NotFound,
                "{path}"
            );
        }
        // The API takes the methods an API is called with.
        for method in ["TRACE", "CONNECT", "PROPFIND", "get"] {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(
                route(method.clone(), "/api/x").handler,
                Handler::MethodNotAllowed("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"),
                "{method}"
            );
        }
        for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS] {
            assert_eq!(route(method, "/api/x").handler, Handler::Proxy);
        }
        // Other segments that merely start with it are the upstream's.
        for path in [
            "/api/administrators",
            "/api/admins/x",
            "/api/x/admin",
            "/api/%C3%A9admin",
            "/api/my.admin",
            // Letters that only look alike are other letters (Cyrillic а).
            "/api/%D0%B0dmin",
            "/api/admin%C3%A9",
            "/api/100%25",
        ] {
            assert_eq!(route(Method::GET, path).handler, Handler::Proxy, "{path}");
        }
        let r = route(Method::POST, "/webhooks/founder");
        assert_eq!(
            (r.handler, r.tier, r.class, r.body_limit),
            (
                Handler::Webhook(4),
                TierId::Webhook,
                RouteClass::Webhook(4),
                WEBHOOK_BODY_LIMIT
            )
        );
        assert_eq!(
            route(Method::POST, "/webhooks/nope").handler,
            Handler::NotFound
        );
        assert_eq!(
            route(Method::POST, "/webhooks/founder/x").handler,
            Handler::NotFound
        );
        let r = route(Method::DELETE, "/api/things/1");
        assert_eq!(
            (r.handler, r.tier, r.auth, r.body_limit),
            (
                Handler::Proxy,
                TierId::Write,
                Auth::Identity,
                API_BODY_LIMIT
            )
        );
        assert_eq!(route(Method::OPTIONS, "/api/x").tier, TierId::Read);
        assert_eq!(route(Method::GET, "/api").handler, Handler::NotFound);
        assert_eq!(route(Method::GET, "/other").class, RouteClass::Other);
    }

    #[test]
    fn the_webhook_inbox_routes_are_for_owners() {
        for (method, path, op) in [
            (Method::GET, "/api/admin/webhooks/inbox", InboxOp::Summary),
            (
                Method::GET,
                "/api/admin/webhooks/dead-letters",
                InboxOp::DeadLetters,
            ),
            (
                Method::POST,
                "/api/admin/webhooks/dead-letters/redeliver",
                InboxOp::Redeliver,
            ),
            (
                Method::POST,
                "/api/admin/webhooks/dead-letters/redeliver-all",
                InboxOp::RedeliverAll,
            ),
        ] {
            let r = route(method, path);
            assert_eq!(
                (r.handler, r.auth),
                (Handler::WebhookInbox(op), Auth::Owner),
                "{path}"
            );
        }
        assert_eq!(
            route(Method::POST, "/api/admin/webhooks/inbox").handler,
            Handler::MethodNotAllowed("GET, HEAD")
        );
        assert_eq!(
            route(Method::GET, "/api/admin/webhooks/dead-letters/redeliver").handler,
            Handler::MethodNotAllowed("POST")
        );
        assert_eq!(
            route(Method::GET, "/api/admin/webhooks/other").handler,
            Handler::NotFound
        );
    }

    #[test]
    fn metrics_can_leave_the_public_listener() {
        let path = CanonicalPath::parse("/metrics").unwrap();
        let private = RouteOptions {
            public_metrics: false,
        };
        assert_eq!(
            Route::parse(&Method::GET, &path, private).handler,
            Handler::NotFound
        );
    }

    #[test]
    fn tier_ids_follow_the_table() {
        for (i, id) in [TierId::Probe, TierId::Read, TierId::Write, TierId::Webhook]
            .into_iter()
            .enumerate()
        {
            assert_eq!(id as usize, i);
            assert_eq!(id.spec().name, TIERS[i].name);
        }
    }
}
