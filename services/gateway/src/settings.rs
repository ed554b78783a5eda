//! Everything the gateway reads at start, checked at once.

use std::net::SocketAddr;
use std::time::Duration;

use alphaguard_auth::Posture;
use alphaguard_config::{ConfigErrors, Vars};
use alphaguard_webhook_hmac::Registry;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines, every value through `safe_log_message`.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Limits of the HTTP server: the deadline of every phase of a connection,
/// the connection budget and its fair shares, and the HTTP/2 limits.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// `HEADER_READ_TIMEOUT_MS`: how long a connection may take from accept
    /// to a complete request head, whatever the protocol (an HTTP/2
    /// preface, SETTINGS or PINGs do not count); and, between HTTP/1
    /// requests, from the first byte of the next head to its end.
    pub header_read_timeout: Duration,
    /// `BODY_READ_TIMEOUT_MS`: how long a request body may take to arrive,
    /// from its head; a body late is answered 408 and its connection
    /// closes.
    pub body_read_timeout: Duration,
    /// `IDLE_TIMEOUT_MS`: how long a connection may stay open with no
    /// request in flight between requests (HTTP/1 keep-alive, HTTP/2).
    pub idle_timeout: Duration,
    /// `WRITE_TIMEOUT_MS`: how long a write to the client may stay blocked
    /// (a client that stops reading is dropped).
    pub write_timeout: Duration,
    /// The largest request head accepted, in bytes (HTTP/1 buffer and the
    /// HTTP/2 header list size).
    pub max_header_bytes: usize,
    /// `MAX_CONNECTIONS`: connections open at once; past it, a new
    /// connection is accepted and closed at once (idle keep-alive
    /// connections are closed first to make room).
    pub max_connections: usize,
    /// `MAX_CONNECTIONS_PER_CLIENT`: connections one client may hold,
    /// counted at accept by the peer address keyed like the limiter
    /// (IPv6 by prefix); trusted proxies are exempt.
    pub max_connections_per_client: usize,
    /// Who a connection's client is ([`TRUSTED_PROXIES`](alphaguard_rate_limit::Config),
    /// IPv6 prefix): the rate limiter's resolver.
    pub resolver: alphaguard_rate_limit::ClientIpResolver,
    /// `HTTP2_KEEPALIVE_INTERVAL_MS`: an HTTP/2 PING is sent after this
    /// long without a frame from the client.
    pub http2_keepalive_interval: Duration,
    /// `HTTP2_KEEPALIVE_TIMEOUT_MS`: a PING unanswered this long closes
    /// the connection.
    pub http2_keepalive_timeout: Duration,
    /// `HTTP2_MAX_CONCURRENT_STREAMS`: streams open at once per connection.
    pub http2_max_concurrent_streams: u32,
    /// `HTTP2_MAX_FRAME_SIZE`: the largest frame payload the server reads.
    pub http2_max_frame_size: u32,
    /// `HTTP2_MAX_RESETS`: streams a client may cancel (rapid reset,
    /// CVE-2023-44487) before its connection is closed, once cancelled
    /// streams are also over half of its streams; and the resets a
    /// client's protocol errors may cost the server.
    pub http2_max_resets: u32,
    /// How long in-flight requests may take to finish on shutdown.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            write_timeout: Duration::from_secs(30),
            max_header_bytes: 16 * 1024,
            max_connections: 4096,
            max_connections_per_client: 256,
            // No trusted proxy, IPv6 by /64 (the derived Default would key
            // every IPv6 client alike).
            resolver: alphaguard_rate_limit::ClientIpResolver::new([]),
            http2_keepalive_interval: Duration::from_secs(30),
            http2_keepalive_timeout: Duration::from_secs(10),
            http2_max_concurrent_streams: 100,
            http2_max_frame_size: 16_384,
            http2_max_resets: 100,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl ServerLimits {
    /// Reads the server's variables (the resolver is the rate limiter's,
    /// set by the caller).
    fn from_vars<F: FnMut(&str) -> Option<String>>(vars: &mut Vars<F>) -> Self {
        fn ms<F: FnMut(&str) -> Option<String>>(
            vars: &mut Vars<F>,
            var: &'static str,
            default: Duration,
            max: u64,
        ) -> Duration {
            let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
            Duration::from_millis(vars.number(var, default, 100..=max))
        }
        let d = Self::default();
        Self {
            header_read_timeout: ms(
                vars,
                "HEADER_READ_TIMEOUT_MS",
                d.header_read_timeout,
                120_000,
            ),
            body_read_timeout: ms(vars, "BODY_READ_TIMEOUT_MS", d.body_read_timeout, 3_600_000),
            idle_timeout: ms(vars, "IDLE_TIMEOUT_MS", d.idle_timeout, 3_600_000),
            write_timeout: ms(vars, "WRITE_TIMEOUT_MS", d.write_timeout, 3_600_000),
            max_header_bytes: vars.number("MAX_HEADER_BYTES", 16 * 1024, 8192..=1024 * 1024)
                as usize,
            max_connections: vars.number("MAX_CONNECTIONS", 4096, 1..=1_000_000) as usize,
            max_connections_per_client: vars.number(
                "MAX_CONNECTIONS_PER_CLIENT",
                256,
                1..=1_000_000,
            ) as usize,
            resolver: d.resolver,
            http2_keepalive_interval: ms(
                vars,
                "HTTP2_KEEPALIVE_INTERVAL_MS",
                d.http2_keepalive_interval,
                3_600_000,
            ),
            http2_keepalive_timeout: ms(
                vars,
                "HTTP2_KEEPALIVE_TIMEOUT_MS",
                d.http2_keepalive_timeout,
                600_000,
            ),
            http2_max_concurrent_streams: vars.number("HTTP2_MAX_CONCURRENT_STREAMS", 100, 1..=1000)
                as u32,
            // RFC 9113 6.5.2: from 2^14 to 2^24 - 1.
            http2_max_frame_size: vars.number("HTTP2_MAX_FRAME_SIZE", 16_384, 16_384..=16_777_215)
                as u32,
            http2_max_resets: vars.number("HTTP2_MAX_RESETS", 100, 1..=100_000) as u32,
            shutdown_grace: Duration::from_secs(vars.number("SHUTDOWN_GRACE_SECS", 30, 0..=600)),
        }
    }
}

/// The Drive mirror the gateway keeps up to date in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveSettings {
    /// `DRIVE_FOLDER_ID`.
    pub folder_id: String,
    /// `DRIVE_SYNC_DIR`.
    pub dir: std::path::PathBuf,
    /// `DRIVE_SYNC_INTERVAL_SECS`.
    pub interval: Duration,
    /// `DRIVE_API_ROOT_URL` (https, or http to loopback) and
    /// `DRIVE_MAX_FILE_BYTES`, read by the drive-sync crate.
    pub config: alphaguard_drive_sync::DriveConfig,
}

/// `CORS_ALLOWED_ORIGINS`: exact origins a browser may call from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cors {
    /// The origins, each `scheme://host[:port]`; empty means no CORS at all.
    pub origins: Vec<http::HeaderValue>,
}

/// `scheme://host[:port]` with nothing after it: what a browser sends as
/// `Origin`, so it can be compared exactly.
fn valid_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

impl Cors {
    /// The CORS layer (tower-http's): `None` without origins, so no CORS
    /// header is ever sent. Never `*`, never credentials.
    pub fn layer(&self) -> Option<tower_http::cors::CorsLayer> {
        use http::{HeaderName, Method, header};
        use tower_http::cors::{AllowOrigin, CorsLayer};
        if self.origins.is_empty() {
            return None;
        }
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(self.origins.iter().cloned()))
                .allow_methods([
                    Method::GET,
                    Method::HEAD,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                    Method::OPTIONS,
                ])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::ACCEPT,
                    HeaderName::from_static("x-api-key"),
                    HeaderName::from_static("x-request-id"),
                    HeaderName::from_static("idempotency-key"),
                ])
                .expose_headers([
                    HeaderName::from_static("x-request-id"),
                    HeaderName::from_static("ratelimit"),
                    HeaderName::from_static("ratelimit-policy"),
                    header::RETRY_AFTER,
                ])
                .max_age(Duration::from_secs(600)),
        )
    }
}

/// The webhook inbox and its delivery worker (`WEBHOOK_INBOX_URL`,
/// `WEBHOOK_DELIVERY_*`, `WEBHOOK_RETRY_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxSettings {
    /// `WEBHOOK_INBOX_URL`.
    pub url: crate::inbox::InboxUrl,
    /// `WEBHOOK_INBOX_MAX_PENDING`: past it, 503.
    pub max_pending: u64,
    /// `WEBHOOK_INBOX_VISIBILITY_SECS` (Redis): a delivery a replica holds
    /// this long without a sign of life is taken over by another.
    pub visibility: Duration,
    /// `WEBHOOK_DELIVERY_MAX_ATTEMPTS`.
    pub max_attempts: u32,
    /// `WEBHOOK_DELIVERY_MAX_AGE_SECS`.
    pub max_age: Duration,
    /// `WEBHOOK_RETRY_MIN_MS`.
    pub retry_min: Duration,
    /// `WEBHOOK_RETRY_MAX_MS`.
    pub retry_max: Duration,
    /// `WEBHOOK_DELIVERY_CONCURRENCY`.
    pub concurrency: usize,
}

impl InboxSettings {
    fn from_vars<F: FnMut(&str) -> Option<String>>(vars: &mut Vars<F>) -> Self {
        let url = match vars.get("WEBHOOK_INBOX_URL") {
            None => crate::inbox::InboxUrl::default(),
            Some(text) => crate::inbox::InboxUrl::parse(&text).unwrap_or_else(|reason| {
                vars.fail("WEBHOOK_INBOX_URL", reason);
                crate::inbox::InboxUrl::Memory
            }),
        };
        let settings = Self {
            url,
            max_pending: vars.number("WEBHOOK_INBOX_MAX_PENDING", 1_000_000, 1..=1_000_000_000),
            visibility: Duration::from_secs(vars.number(
                "WEBHOOK_INBOX_VISIBILITY_SECS",
                60,
                5..=3600,
            )),
            max_attempts: vars.number("WEBHOOK_DELIVERY_MAX_ATTEMPTS", 12, 1..=100) as u32,
            max_age: Duration::from_secs(vars.number(
                "WEBHOOK_DELIVERY_MAX_AGE_SECS",
                3 * 86_400,
                1..=30 * 86_400,
            )),
            retry_min: Duration::from_millis(vars.number(
                "WEBHOOK_RETRY_MIN_MS",
                1000,
                10..=3_600_000,
            )),
            retry_max: Duration::from_millis(vars.number(
                "WEBHOOK_RETRY_MAX_MS",
                600_000,
                10..=86_400_000,
            )),
            concurrency: vars.number("WEBHOOK_DELIVERY_CONCURRENCY", 8, 1..=1024) as usize,
        };
        if settings.retry_max < settings.retry_min {
            vars.fail(
                "WEBHOOK_RETRY_MAX_MS",
                "must not be below WEBHOOK_RETRY_MIN_MS",
            );
        }
        settings
    }
}

/// The gateway's whole configuration.
#[derive(Debug)]
#[non_exhaustive]
pub struct Settings {
    /// `BIND_ADDR`; else `0.0.0.0:$PORT` when `PORT` is set; else
    /// [`DEFAULT_BIND`].
    pub bind: SocketAddr,
    /// Authentication (`API_KEY`, `SUPABASE_*`, `APP_ENV`,
    /// `STRICT_SECURITY_MODE`, `OWNER_IDS`, `ADMIN_ROLE_ID`).
    pub auth: alphaguard_auth::Config,
    /// Rate limiting (`RATE_LIMIT_*`, `TRUSTED_PROXIES`).
    pub rate_limit: alphaguard_rate_limit::Config,
    /// The webhooks and their secrets (`*_WEBHOOK_SECRET`).
    pub webhooks: Registry,
    /// `UPSTREAM_URL`, without a trailing `/`.
    pub upstream: Option<String>,
    /// `UPSTREAM_TIMEOUT_MS`: the whole upstream exchange.
    pub upstream_timeout: Duration,
    /// `OBSERVABILITY_WINDOW_SECS`.
    pub observability_window: Duration,
    /// `LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `GOOGLE_*`, `SECRET_MANAGER_ENDPOINT`, ...: where the Google
    /// credentials come from.
    pub google: alphaguard_gcp_secrets::Config,
    /// `DRIVE_FOLDER_ID`, `DRIVE_SYNC_DIR`, ...: the background mirror.
    pub drive: Option<DriveSettings>,
    /// `HEADER_READ_TIMEOUT_MS`, `BODY_READ_TIMEOUT_MS`, `IDLE_TIMEOUT_MS`,
    /// `WRITE_TIMEOUT_MS`, `MAX_HEADER_BYTES`, `MAX_CONNECTIONS`,
    /// `MAX_CONNECTIONS_PER_CLIENT`, `HTTP2_*`, `SHUTDOWN_GRACE_SECS`.
    pub server: ServerLimits,
    /// `CORS_ALLOWED_ORIGINS`.
    pub cors: Cors,
    /// `ACCESS_LOG`: one info line per request.
    pub access_log: bool,
    /// `METRICS_BIND_ADDR`: `/metrics` on its own listener instead.
    pub metrics_bind: Option<SocketAddr>,
    /// The webhook inbox (`WEBHOOK_INBOX_URL`, ...).
    pub inbox: InboxSettings,
}

/// The default `BIND_ADDR` (without `PORT`).
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

fn valid_upstream(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(['?', '#', ' ']) && !r.starts_with('/'))
}

impl Settings {
    /// Reads every variable through `lookup` and reports every problem at
    /// once (named by variable, never showing a secret).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let auth = alphaguard_auth::Config::from_lookup(lookup).map_err(|e| errors.extend(e));
        let rate_limit = alphaguard_rate_limit::Config::from_lookup(lookup, &crate::route::TIERS)
            .map_err(|e| errors.extend(e));
        let webhooks =
            Registry::from_lookup(&crate::webhooks::WEBHOOKS, lookup).map_err(|e| errors.extend(e));
        let google =
            alphaguard_gcp_secrets::Config::from_lookup(lookup).map_err(|e| errors.extend(e));
        let drive_config =
            alphaguard_drive_sync::DriveConfig::from_lookup(lookup).map_err(|e| errors.extend(e));

        let mut vars = Vars::new(lookup);
        // PORT is Cloud Run's (and Heroku's) way to say where to listen: on
        // every interface, since the platform's proxy is another host.
        // BIND_ADDR, when given, wins.
        let port = vars
            .get("PORT")
            .and_then(|p| match p.trim().parse::<u16>() {
                Ok(port) if port > 0 => Some(port),
                _ => {
                    vars.fail("PORT", "must be a port number, 1-65535");
                    None
                }
            });
        let bind = match (vars.get("BIND_ADDR"), port) {
            (Some(bind), _) => bind.parse::<SocketAddr>().unwrap_or_else(|_| {
                vars.fail(
                    "BIND_ADDR",
                    "must be an address and port, like 127.0.0.1:8080",
                );
                SocketAddr::from(([127, 0, 0, 1], 8080))
            }),
            (None, Some(port)) => SocketAddr::from(([0, 0, 0, 0], port)),
            (None, None) => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let upstream = vars.get("UPSTREAM_URL").and_then(|url| {
            let url = url.trim_end_matches('/').to_owned();
            if valid_upstream(&url) {
                Some(url)
            } else {
                vars.fail(
                    "UPSTREAM_URL",
                    "must be an http:// or https:// URL without query or fragment",
                );
                None
            }
        });
        let upstream_timeout =
            Duration::from_millis(vars.number("UPSTREAM_TIMEOUT_MS", 10_000, 100..=300_000));
        let observability_window =
            Duration::from_secs(vars.number("OBSERVABILITY_WINDOW_SECS", 300, 60..=86_400));
        let log_format = match vars.get("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => {
                vars.fail("LOG_FORMAT", "must be `text` or `json`");
                LogFormat::Text
            }
        };
        let mut server = ServerLimits::from_vars(&mut vars);
        if let Ok(rl) = &rate_limit {
            server.resolver = rl.resolver.clone();
            // Checked here, with the others (exit 2), not at the first
            // connection; the error never repeats the URL (a password).
            if rl
                .redis_url
                .as_deref()
                .is_some_and(|url| redis::Client::open(url).is_err())
            {
                vars.fail("RATE_LIMIT_REDIS_URL", "is not a valid Redis URL");
            }
        }
        let mut cors = Cors::default();
        if let Some(text) = vars.get("CORS_ALLOWED_ORIGINS") {
            for origin in text.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                match http::HeaderValue::try_from(origin) {
                    Ok(value) if valid_origin(origin) => cors.origins.push(value),
                    _ => vars.fail(
                        "CORS_ALLOWED_ORIGINS",
                        format!("{origin:?} is not an exact origin like https://app.example.com"),
                    ),
                }
            }
        }
        let access_log = match vars.get("ACCESS_LOG").as_deref().map(str::trim) {
            None | Some("on" | "1" | "true") => true,
            Some("off" | "0" | "false") => false,
            Some(_) => {
                vars.fail("ACCESS_LOG", "must be `on` or `off`");
                true
            }
        };
        let metrics_bind = vars.get("METRICS_BIND_ADDR").and_then(|text| {
            text.parse::<SocketAddr>().ok().or_else(|| {
                vars.fail("METRICS_BIND_ADDR", "must be an address and port");
                None
            })
        });
        let inbox = InboxSettings::from_vars(&mut vars);
        let folder_id = vars.get("DRIVE_FOLDER_ID");
        let dir = vars.get("DRIVE_SYNC_DIR");
        let interval =
            Duration::from_secs(vars.number("DRIVE_SYNC_INTERVAL_SECS", 3600, 60..=7 * 86_400));
        let drive = match (folder_id, dir) {
            (Some(folder_id), Some(dir)) => Some(DriveSettings {
                folder_id,
                dir: dir.into(),
                interval,
                config: drive_config.clone().unwrap_or_default(),
            }),
            (None, None) => None,
            _ => {
                vars.fail("DRIVE_FOLDER_ID", "and DRIVE_SYNC_DIR must be set together");
                None
            }
        };
        if let Err(e) = vars.finish(()) {
            errors.extend(e);
        }
        if drive.is_some() && google.as_ref().is_ok_and(|g| !g.is_configured()) {
            errors.push(
                "DRIVE_FOLDER_ID",
                "needs Google credentials: GOOGLE_PROJECT_ID or GOOGLE_CREDENTIALS_JSON",
            );
        }
        match (auth, rate_limit, webhooks, google) {
            (Ok(auth), Ok(rate_limit), Ok(webhooks), Ok(google)) if errors.is_empty() => Ok(Self {
                bind,
                auth,
                rate_limit,
                webhooks,
                upstream,
                upstream_timeout,
                observability_window,
                log_format,
                google,
                drive,
                server,
                cors,
                access_log,
                metrics_bind,
                inbox,
            }),
            _ => Err(errors),
        }
    }

    /// In strict production mode, what is missing: an auth mechanism,
    /// `OWNER_IDS`, the anon key for remote JWT checks, and every webhook
    /// secret. Empty otherwise.
    pub fn missing_critical(&self) -> Vec<&'static str> {
        if self.auth.posture() != Posture::ProductionStrict {
            return Vec::new();
        }
        self.strict_gaps()
    }

    /// What strict production mode would refuse to start without, whatever
    /// the mode is now (`alphaguard doctor` shows it before it bites).
    pub fn strict_gaps(&self) -> Vec<&'static str> {
        let mut strict = self.auth.clone();
        strict.production = true;
        strict.strict = true;
        let mut missing = strict.missing_critical();
        missing.extend(self.webhooks.missing_secrets());
        if self.inbox.url == crate::inbox::InboxUrl::Memory {
            missing.push("WEBHOOK_INBOX_URL (a durable inbox; memory: is for development only)");
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigErrors> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(&move |name| map.get(name).cloned())
    }

    #[test]
    fn the_empty_environment_is_development_on_loopback() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(s.auth.posture(), Posture::Unauthenticated);
        assert!(s.upstream.is_none());
        assert!(s.missing_critical().is_empty());
        assert_eq!(s.observability_window, Duration::from_secs(300));
    }

    #[test]
    fn every_malformed_variable_is_reported_once() {
        let err = settings(&[
            ("BIND_ADDR", "localhost"),
            ("OWNER_IDS", "12,abc"),
            ("TRUSTED_PROXIES", "10.0.0.0/33"),
            ("UPSTREAM_URL", "ftp://x"),
            ("LOG_FORMAT", "xml"),
            ("FOUNDER_WEBHOOK_SECRET", "s3cr3t-v4lue"),
            ("SUPABASE_JWT_MODE", "psychic"),
            ("GOOGLE_CREDENTIALS_JSON", "{not json"),
            ("RATE_LIMIT_READ_PER_MIN", "0"),
        ])
        .unwrap_err();
        for var in [
            "BIND_ADDR",
            "OWNER_IDS",
            "TRUSTED_PROXIES",
            "UPSTREAM_URL",
            "LOG_FORMAT",
            "FOUNDER_WEBHOOK_SECRET",
            "SUPABASE_JWT_MODE",
            "GOOGLE_CREDENTIALS_JSON",
            "RATE_LIMIT_READ_PER_MIN",
        ] {
            assert!(err.mentions(var), "{var} missing from {err}");
        }
        let text = err.to_string();
        assert!(!text.contains("s3cr3t-v4lue"), "{text}");
        assert!(!text.contains("{not json"), "{text}");
    }

    #[test]
    fn strict_production_lists_every_missing_secret() {
        let s = settings(&[("APP_ENV", "production"), ("STRICT_SECURITY_MODE", "1")]).unwrap();
        let missing = s.missing_critical();
        for var in [
            "API_KEY or SUPABASE_URL",
            "OWNER_IDS",
            "SUPABASE_WEBHOOK_SECRET",
            "FOUNDER_WEBHOOK_SECRET",
            "LEGAL_UPDATE_WEBHOOK_SECRET",
        ] {
            assert!(missing.contains(&var), "{var} not in {missing:?}");
        }
        // Production without strict mode starts (with warnings).
        let lax = settings(&[("APP_ENV", "production")]).unwrap();
        assert!(lax.missing_critical().is_empty());
    }

    #[test]
    fn the_webhook_inbox() {
        use crate::inbox::InboxUrl;
        let s = settings(&[]).unwrap();
        assert_eq!(
            s.inbox.url,
            InboxUrl::Sqlite("alphaguard-data/webhook-inbox.sqlite3".into())
        );
        assert_eq!(s.inbox.max_attempts, 12);
        let s = settings(&[("WEBHOOK_INBOX_URL", "redis://:pw@127.0.0.1:6379/2")]).unwrap();
        assert_eq!(s.inbox.url.kind(), "redis");
        assert!(!format!("{:?}", s.inbox.url).contains("pw"));
        for bad in ["postgres://x", "sqlite:", "memory", "redis://"] {
            let err = settings(&[("WEBHOOK_INBOX_URL", bad)]).unwrap_err();
            assert!(err.mentions("WEBHOOK_INBOX_URL"), "{bad}");
        }
        let err = settings(&[
            ("WEBHOOK_RETRY_MIN_MS", "5000"),
            ("WEBHOOK_RETRY_MAX_MS", "100"),
        ])
        .unwrap_err();
        assert!(err.mentions("WEBHOOK_RETRY_MAX_MS"));
        // Strict production refuses an inbox that forgets on exit.
        let strict = [
            ("APP_ENV", "production"),
            ("STRICT_SECURITY_MODE", "1"),
            ("WEBHOOK_INBOX_URL", "memory:"),
        ];
        let missing = settings(&strict).unwrap().missing_critical();
        assert!(
            missing.iter().any(|m| m.starts_with("WEBHOOK_INBOX_URL")),
            "{missing:?}"
        );
        let dev = settings(&[("WEBHOOK_INBOX_URL", "memory:")]).unwrap();
        assert!(dev.missing_critical().is_empty());
    }

    #[test]
    fn a_malformed_redis_url_is_a_configuration_error() {
        let err = settings(&[("RATE_LIMIT_REDIS_URL", "redis://:pw@host:notaport/0")]).unwrap_err();
        assert!(err.mentions("RATE_LIMIT_REDIS_URL"), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
        assert!(settings(&[("RATE_LIMIT_REDIS_URL", "redis://127.0.0.1:6379/0")]).is_ok());
    }

    #[test]
    fn port_binds_every_interface_unless_bind_addr_says_otherwise() {
        let s = settings(&[("PORT", "9090")]).unwrap();
        assert_eq!(s.bind, "0.0.0.0:9090".parse().unwrap());
        let s = settings(&[("PORT", "9090"), ("BIND_ADDR", "127.0.0.1:7070")]).unwrap();
        assert_eq!(s.bind, "127.0.0.1:7070".parse().unwrap());
        assert_eq!(
            settings(&[]).unwrap().bind.to_string(),
            DEFAULT_BIND.to_owned()
        );
        for bad in ["0", "65536", "http", "-1"] {
            let err = settings(&[("PORT", bad)]).unwrap_err();
            assert!(err.mentions("PORT"), "{bad}: {err}");
        }
    }

    #[test]
    fn drive_limits_come_from_the_drive_crate() {
        let s = settings(&[
            ("GOOGLE_CREDENTIALS_JSON", "{}"),
            ("DRIVE_FOLDER_ID", "folder"),
            ("DRIVE_SYNC_DIR", "/tmp/x"),
            ("DRIVE_MAX_FILE_BYTES", "1048576"),
        ])
        .unwrap();
        assert_eq!(s.drive.unwrap().config.max_file_bytes, 1 << 20);
        let err = settings(&[("DRIVE_API_ROOT_URL", "http://drive.example")]).unwrap_err();
        assert!(err.mentions("DRIVE_API_ROOT_URL"), "{err}");
    }

    #[test]
    fn cors_origins_are_exact() {
        let s = settings(&[(
            "CORS_ALLOWED_ORIGINS",
            "https://app.example.com, http://localhost:3000",
        )])
        .unwrap();
        assert_eq!(s.cors.origins.len(), 2);
        assert!(s.cors.layer().is_some());
        assert!(settings(&[]).unwrap().cors.layer().is_none());
        for bad in ["*", "https://a.example/path", "app.example.com", "null"] {
            let err = settings(&[("CORS_ALLOWED_ORIGINS", bad)]).unwrap_err();
            assert!(err.mentions("CORS_ALLOWED_ORIGINS"), "{bad}");
        }
    }

    #[test]
    fn server_limits_have_defaults_bounds_and_the_limiter_resolver() {
        let s = settings(&[]).unwrap().server;
        let d = ServerLimits::default();
        assert_eq!(
            (
                s.header_read_timeout,
                s.body_read_timeout,
                s.idle_timeout,
                s.write_timeout
            ),
            (
                Duration::from_secs(10),
                Duration::from_secs(30),
                Duration::from_secs(75),
                Duration::from_secs(30)
            )
        );
        assert_eq!(
            (s.max_connections, s.max_connections_per_client),
            (d.max_connections, 256)
        );
        assert_eq!(
            (
                s.http2_keepalive_interval,
                s.http2_keepalive_timeout,
                s.http2_max_concurrent_streams,
                s.http2_max_frame_size,
                s.http2_max_resets
            ),
            (
                Duration::from_secs(30),
                Duration::from_secs(10),
                100,
                16_384,
                100
            )
        );
        let err = settings(&[
            ("BODY_READ_TIMEOUT_MS", "50"),
            ("IDLE_TIMEOUT_MS", "x"),
            ("WRITE_TIMEOUT_MS", "0"),
            ("MAX_CONNECTIONS_PER_CLIENT", "0"),
            ("HTTP2_MAX_FRAME_SIZE", "16383"),
            ("HTTP2_MAX_CONCURRENT_STREAMS", "0"),
            ("HTTP2_MAX_RESETS", "0"),
            ("HTTP2_KEEPALIVE_INTERVAL_MS", "-1"),
            ("HTTP2_KEEPALIVE_TIMEOUT_MS", "99"),
        ])
        .unwrap_err();
        for var in [
            "BODY_READ_TIMEOUT_MS",
            "IDLE_TIMEOUT_MS",
            "WRITE_TIMEOUT_MS",
            "MAX_CONNECTIONS_PER_CLIENT",
            "HTTP2_MAX_FRAME_SIZE",
            "HTTP2_MAX_CONCURRENT_STREAMS",
            "HTTP2_MAX_RESETS",
            "HTTP2_KEEPALIVE_INTERVAL_MS",
            "HTTP2_KEEPALIVE_TIMEOUT_MS",
        ] {
            assert!(err.mentions(var), "{var} missing from {err}");
        }
        // IPv6 clients by /64, by default too.
        let key = |ip: &str| d.resolver.key_of(ip.parse().unwrap());
        assert_eq!(key("2001:db8::1"), key("2001:db8::2"));
        assert_ne!(key("2001:db8::1"), key("2001:db8:0:1::1"));
        // The per-client cap keys clients as the limiter does.
        let s = settings(&[("TRUSTED_PROXIES", "10.0.0.0/8")])
            .unwrap()
            .server;
        assert!(s.resolver.is_trusted("10.1.2.3".parse().unwrap()));
        assert!(!s.resolver.is_trusted("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn upstream_urls() {
        assert!(valid_upstream("http://127.0.0.1:9000"));
        assert!(valid_upstream("https://api.example.com/base"));
        assert!(!valid_upstream("http://"));
        assert!(!valid_upstream("http:///x"));
        assert!(!valid_upstream("https://a?b"));
        assert!(!valid_upstream("file:///etc/passwd"));
    }
}
