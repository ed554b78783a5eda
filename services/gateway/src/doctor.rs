//! `alphaguard doctor`: the configuration the server would run with,
//! checked without serving.
//!
//! It reads the same options as the server ([`Settings::from_lookup`]),
//! starts no listener and no background task, and prints one line per
//! check: `ok`, `warn`, `fail` or `skip` (not configured), the check's
//! name, what it found and, for `warn` and `fail`, the fix. `--json`
//! prints one JSON object instead. Exit codes: 0 when no check failed, 1
//! when one did, 2 when the configuration does not parse (the server would
//! refuse it too).
//!
//! The checks, in order:
//!
//! | check | what | fails when |
//! | --- | --- | --- |
//! | `mode` | `APP_ENV` and `STRICT_SECURITY_MODE` | (warns: production without strict mode) |
//! | `strict_gaps` | what strict mode refuses to start without ([`Settings::strict_gaps`]) | strict mode is on and something is missing |
//! | `authentication` | `API_KEY` / `SUPABASE_URL` | neither is set in production |
//! | `webhooks` | a secret per webhook | one is unset in production |
//! | `secrets_in_flags` | secrets given as flags, readable in the process list | in production |
//! | `trusted_proxies` | `TRUSTED_PROXIES` | a range wider than any private one (`0.0.0.0/0`, `::/0`) |
//! | `rate_limit_store` | memory or Redis | (warns: memory-only in production) |
//! | `redis` | one `PING` to `RATE_LIMIT_REDIS_URL` | no `PONG` within the timeout |
//! | `upstream` | one `GET` of `UPSTREAM_URL` + `--upstream-path` | no answer, or a 5xx (warns) |
//! | `supabase` | `/auth/v1/settings` (remote mode, with the anon key) or the JWKS (local mode) | no answer, key refused, no signing key |
//! | `google_credentials` | the credential source in use | (warns: `GOOGLE_CREDENTIALS_JSON` in production) |
//! | `google_secret` | a fresh read: decodes, CRC32C, a service-account key | any of them not |
//! | `google_key_age` | IAM `keys.get` `validAfterTime` against `KEY_MAX_AGE_DAYS` | older, or disabled, or gone |
//! | `drive_scopes` | the scopes the Drive client asks for | anything but `drive.readonly` |
//!
//! `docs/operations.md` says which manual steps each check stands in for.

use std::fmt::Write as _;
use std::future::Future;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use alphaguard_auth::{JwtMode, Posture};
use alphaguard_gcp_secrets::{
    Backoff, Crc32cCheck, Error as GoogleError, GoogleCredentials, Method,
};
use ipnet::IpNet;
use serde::Serialize;

use crate::cli::Args;
use crate::inbox::InboxUrl;
use crate::settings::Settings;

/// The variables that hold a secret (or may: a Redis URL carries its
/// password). Given as a flag, each is visible to every local user in the
/// process list (`ps`, `/proc/*/cmdline`).
pub const SECRET_VARIABLES: &[&str] = &[
    "API_KEY",
    "SUPABASE_ANON_KEY",
    "SUPABASE_JWT_SECRET",
    "SUPABASE_WEBHOOK_SECRET",
    "PREMIUM_INVALIDATE_WEBHOOK_SECRET",
    "APP_REFLECTIONS_WEBHOOK_SECRET",
    "FOUNDER_WEBHOOK_SECRET",
    "LEGAL_UPDATE_WEBHOOK_SECRET",
    "RATE_LIMIT_REDIS_URL",
    "GOOGLE_CREDENTIALS_JSON",
];

/// Days before `KEY_MAX_AGE_DAYS` runs out when `google_key_age` starts
/// warning.
pub const KEY_AGE_WARNING_DAYS: u64 = 14;

/// `alphaguard doctor`'s own flags.
#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// Print one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
    /// The path of UPSTREAM_URL that the upstream check requests (any
    /// answer below 500 counts as reachable).
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub upstream_path: String,
    /// Timeout of each network check, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    pub timeout_ms: u64,
}

impl Default for DoctorArgs {
    fn default() -> Self {
        Self {
            json: false,
            upstream_path: "/".to_owned(),
            timeout_ms: 3000,
        }
    }
}

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// As it should be.
    Ok,
    /// Works, but not as the seed's checklist asks.
    Warn,
    /// Broken or unsafe: doctor exits 1.
    Fail,
    /// Not configured, so nothing to check.
    Skip,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }
}

/// One check's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The check (`redis`, `google_key_age`, ...).
    pub name: &'static str,
    /// The verdict.
    pub status: Status,
    /// What was found (never a secret).
    pub message: String,
    /// What to do about it (`warn` and `fail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, message: impl Into<String>) -> Self {
        Self {
            name,
            status: Status::Ok,
            message: message.into(),
            fix: None,
        }
    }

    fn skip(name: &'static str, message: impl Into<String>) -> Self {
        Self {
            name,
            status: Status::Skip,
            message: message.into(),
            fix: None,
        }
    }

    fn bad(
        name: &'static str,
        status: Status,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name,
            status,
            message: message.into(),
            fix: Some(fix.into()),
        }
    }

    fn warn(name: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::bad(name, Status::Warn, message, fix)
    }

    fn fail(name: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::bad(name, Status::Fail, message, fix)
    }
}

/// Every check's line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// In the order they ran.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether any check failed.
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }

    fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// One line per check (`fail  redis: ... (fix: ...)`) and a summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let _ = write!(out, "{:<4}  {}: {}", c.status.as_str(), c.name, c.message);
            if let Some(fix) = &c.fix {
                let _ = write!(out, " (fix: {fix})");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "doctor: {} ok, {} warn, {} fail, {} skip",
            self.count(Status::Ok),
            self.count(Status::Warn),
            self.count(Status::Fail),
            self.count(Status::Skip)
        );
        out
    }

    /// `{"checks": [...], "summary": {...}, "exit_code": n}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "checks": self.checks,
            "summary": {
                "ok": self.count(Status::Ok),
                "warn": self.count(Status::Warn),
                "fail": self.count(Status::Fail),
                "skip": self.count(Status::Skip),
            },
            "exit_code": u8::from(self.failed()),
        })
    }
}

/// `alphaguard doctor`: parse, check, print, exit.
pub fn main(args: &Args, doctor: &DoctorArgs, given_as_flags: &[&'static str]) -> ExitCode {
    let lookup = |name: &str| args.get(name);
    let settings = match Settings::from_lookup(&lookup) {
        Ok(settings) => settings,
        Err(errors) => {
            if doctor.json {
                let problems: Vec<_> = errors
                    .0
                    .iter()
                    .map(|e| serde_json::json!({"var": e.var, "reason": e.reason}))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({"error": "configuration", "problems": problems, "exit_code": 2})
                );
            } else {
                println!("fail  configuration: {errors}");
            }
            eprintln!("alphaguard doctor: configuration error (exit 2): {errors}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alphaguard doctor: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = runtime.block_on(run(&settings, doctor, given_as_flags));
    if doctor.json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
    ExitCode::from(u8::from(report.failed()))
}

/// Every check: the posture, then the network ones.
pub async fn run(settings: &Settings, doctor: &DoctorArgs, given_as_flags: &[&str]) -> Report {
    let timeout = Duration::from_millis(doctor.timeout_ms.max(1));
    let mut checks = posture(settings, given_as_flags);
    let (redis, inbox, upstream, supabase, google) = tokio::join!(
        redis_check(settings, timeout),
        inbox_check(settings, timeout),
        upstream_check(settings, &doctor.upstream_path, timeout),
        supabase_check(settings, timeout),
        google_checks(settings, timeout),
    );
    checks.extend([redis, inbox, upstream, supabase]);
    checks.extend(google);
    checks.push(drive_scopes(settings));
    Report { checks }
}

/// `production: fail, development: warn`.
fn prod_fail(settings: &Settings) -> Status {
    if settings.auth.production {
        Status::Fail
    } else {
        Status::Warn
    }
}

/// The checks that need no network: what the configuration says.
pub fn posture(settings: &Settings, given_as_flags: &[&str]) -> Vec<Check> {
    let auth = &settings.auth;
    let mut checks = Vec::new();

    checks.push(match (auth.production, auth.strict) {
        (true, true) => Check::ok("mode", "production, strict"),
        (true, false) => Check::warn(
            "mode",
            "APP_ENV=production without STRICT_SECURITY_MODE: missing secrets do not stop the start",
            "set STRICT_SECURITY_MODE=1",
        ),
        (false, _) => Check::ok(
            "mode",
            "development (APP_ENV is not production): unsafe settings are warnings here, failures in production",
        ),
    });

    let gaps = settings.strict_gaps();
    checks.push(match (auth.posture(), gaps.is_empty()) {
        (_, true) => Check::ok(
            "strict_gaps",
            "nothing strict mode would refuse to start without is missing",
        ),
        (Posture::ProductionStrict, false) => Check::fail(
            "strict_gaps",
            format!("the server refuses to start: missing {}", gaps.join(", ")),
            format!("set {}", gaps.join(", ")),
        ),
        (_, false) => Check::warn(
            "strict_gaps",
            format!(
                "strict mode would refuse to start without {}",
                gaps.join(", ")
            ),
            format!("set {} before turning strict mode on", gaps.join(", ")),
        ),
    });

    checks.push(match auth.posture() {
        Posture::Unauthenticated => Check::bad(
            "authentication",
            prod_fail(settings),
            "unauthenticated: neither API_KEY nor SUPABASE_URL is set, every request is let through",
            "set API_KEY and/or SUPABASE_URL (with SUPABASE_ANON_KEY)",
        ),
        Posture::Normal | Posture::ProductionStrict => {
            let mut what = Vec::new();
            if let Some(keys) = &auth.api_keys {
                what.push(format!("API key ({} configured)", keys.len()));
            }
            if auth.supabase_url.is_some() {
                what.push(match auth.jwt_mode {
                    JwtMode::Remote => "Supabase JWT (remote)".to_owned(),
                    JwtMode::Local => "Supabase JWT (local)".to_owned(),
                });
            }
            Check::ok("authentication", what.join(", "))
        }
    });

    let open: Vec<&str> = settings.webhooks.unconfigured().map(|s| s.name).collect();
    checks.push(if open.is_empty() {
        Check::ok("webhooks", "every webhook has a secret")
    } else {
        Check::bad(
            "webhooks",
            prod_fail(settings),
            format!(
                "accepted unverified, so anyone can trigger them: {}",
                open.join(", ")
            ),
            format!("set {}", settings.webhooks.missing_secrets().join(", ")),
        )
    });

    let exposed: Vec<&str> = given_as_flags
        .iter()
        .copied()
        .filter(|v| SECRET_VARIABLES.contains(v))
        .collect();
    checks.push(if exposed.is_empty() {
        Check::ok("secrets_in_flags", "no secret is given as a flag")
    } else {
        Check::bad(
            "secrets_in_flags",
            prod_fail(settings),
            format!(
                "given as flags, readable by every local user in the process list: {}",
                exposed.join(", ")
            ),
            "pass them in the environment (systemd EnvironmentFile or LoadCredential, Cloud Run secrets)",
        )
    });

    checks.push(trusted_proxies(settings.rate_limit.resolver.trusted()));

    checks.push(match (&settings.rate_limit.redis_url, auth.production) {
        (Some(_), _) => Check::ok(
            "rate_limit_store",
            format!(
                "Redis, shared by every replica (store errors: {})",
                on_store_error(settings)
            ),
        ),
        (None, true) => Check::warn(
            "rate_limit_store",
            "memory only: each replica counts on its own, so N replicas allow N times the limit",
            "set RATE_LIMIT_REDIS_URL when more than one replica runs",
        ),
        (None, false) => Check::ok("rate_limit_store", "memory (one replica)"),
    });
    checks
}

fn on_store_error(settings: &Settings) -> &'static str {
    match settings.rate_limit.on_store_error {
        alphaguard_rate_limit::FailurePolicy::FailOpen => "open",
        _ => "closed",
    }
}

/// The private, loopback, link-local and shared ranges: a proxy inside
/// them is one of ours.
fn private_ranges() -> [IpNet; 9] {
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    ]
    .map(|n| n.parse().unwrap_or(IpNet::V4(ipnet::Ipv4Net::default())))
}

/// An IPv4-mapped IPv6 range (`::ffff:0:0/96` and inside) as the IPv4
/// range it is.
fn unmapped(net: IpNet) -> IpNet {
    if let IpNet::V6(v6) = net
        && v6.prefix_len() >= 96
        && let IpAddr::V4(v4) = IpAddr::V6(v6.network()).to_canonical()
        && let Ok(n) = ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
    {
        return IpNet::V4(n);
    }
    net
}

/// `TRUSTED_PROXIES`: inside a private range is ok; a public range is a
/// warning (a CDN's published ranges are legitimate, but every address in
/// them can set `X-Forwarded-For`); a range wider than any private one
/// (`0.0.0.0/0`, `::/0`, `0.0.0.0/1`, ...) fails: it trusts the Internet.
pub fn trusted_proxies(trusted: &[IpNet]) -> Check {
    const NAME: &str = "trusted_proxies";
    if trusted.is_empty() {
        return Check::ok(
            NAME,
            "none: X-Forwarded-For is ignored, the peer address is the client",
        );
    }
    let private = private_ranges();
    let mut wide = Vec::new();
    let mut public = Vec::new();
    for net in trusted.iter().map(|n| unmapped(*n)) {
        if private.iter().any(|p| p.contains(&net)) {
            continue;
        }
        let too_wide = match net {
            IpNet::V4(n) => n.prefix_len() < 8,
            IpNet::V6(n) => n.prefix_len() < 7,
        };
        if too_wide {
            wide.push(net.to_string());
        } else {
            public.push(net.to_string());
        }
    }
    if !wide.is_empty() {
        return Check::fail(
            NAME,
            format!(
                "{} is wider than any private range: any client can pick the address it is limited and logged by",
                wide.join(", ")
            ),
            "list only your proxies' addresses or ranges in TRUSTED_PROXIES",
        );
    }
    if !public.is_empty() {
        return Check::warn(
            NAME,
            format!(
                "public ranges trusted: {} (every address in them can set X-Forwarded-For)",
                public.join(", ")
            ),
            "keep them to your CDN's or load balancer's published ranges",
        );
    }
    Check::ok(
        NAME,
        format!("{} private range(s), nothing public", trusted.len()),
    )
}

/// Runs `future` for at most `timeout`.
async fn within<T>(timeout: Duration, future: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(timeout, future).await.ok()
}

/// `scheme://host:port` of a URL, without user, password, path or query.
fn origin(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or("?"),
            u.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "(unparsable URL)".to_owned(),
    }
}

fn redis_error(e: &redis::RedisError) -> String {
    if e.is_connection_refusal() {
        "connection refused".to_owned()
    } else if e.is_timeout() {
        "timed out".to_owned()
    } else {
        // The kind only: the full text can echo the URL.
        format!("{:?}", e.kind())
    }
}

/// One `PING` on a fresh connection, within `timeout`.
pub async fn ping_redis(url: &str, timeout: Duration) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|_| "invalid Redis URL".to_owned())?;
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout));
    let attempt = async {
        let mut conn = client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| redis_error(&e))?;
        let pong: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| redis_error(&e))?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err("unexpected answer to PING".to_owned())
        }
    };
    within(timeout, attempt)
        .await
        .unwrap_or_else(|| Err(format!("no answer within {} ms", timeout.as_millis())))
}

/// One `PING` to `url` as check `name`: ok with `PONG from <origin>`
/// (after `what`), else failed with the reason and `fix`.
async fn ping_check(
    name: &'static str,
    url: &str,
    timeout: Duration,
    what: &str,
    fix: String,
) -> Check {
    let at = origin(url);
    match ping_redis(url, timeout).await {
        Ok(()) => Check::ok(name, format!("{what}PONG from {at}")),
        Err(why) => Check::fail(name, format!("PING to {at} failed: {why}"), fix),
    }
}

async fn redis_check(settings: &Settings, timeout: Duration) -> Check {
    const NAME: &str = "redis";
    let Some(url) = &settings.rate_limit.redis_url else {
        return Check::skip(NAME, "RATE_LIMIT_REDIS_URL is not set");
    };
    let fix = format!(
        "start Redis or correct RATE_LIMIT_REDIS_URL (meanwhile the server starts, is not ready, and limits traffic per RATE_LIMIT_ON_STORE_ERROR={})",
        on_store_error(settings)
    );
    ping_check(NAME, url, timeout, "", fix).await
}

/// Where acknowledged webhooks are kept: durable, and reachable. Opens
/// nothing and writes nothing (a SQLite file is created by the server).
async fn inbox_check(settings: &Settings, timeout: Duration) -> Check {
    const NAME: &str = "webhook_inbox";
    match &settings.inbox.url {
        InboxUrl::Memory => Check::bad(
            NAME,
            prod_fail(settings),
            "memory: acknowledged webhooks are lost when the process stops",
            "set WEBHOOK_INBOX_URL=sqlite:PATH (one replica) or redis://… (several)",
        ),
        InboxUrl::Sqlite(path) => {
            // The nearest directory that exists must be writable: the
            // server creates the rest, then the file.
            let dir = path
                .ancestors()
                .skip(1)
                .find(|d| d.as_os_str().is_empty() || d.exists())
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let writable = std::fs::metadata(dir)
                .map(|m| m.is_dir() && !m.permissions().readonly())
                .unwrap_or(false);
            if writable && settings.rate_limit.redis_url.is_some() {
                // A shared limiter means replicas; each would keep its own
                // inbox, and so its own replay memory.
                Check::warn(
                    NAME,
                    format!(
                        "SQLite at {}: one per replica, so a webhook replayed to another replica within the tolerance is delivered again (with the same Idempotency-Key)",
                        path.display()
                    ),
                    "with several replicas, set WEBHOOK_INBOX_URL=redis://… (shared inbox and replay memory)",
                )
            } else if writable {
                Check::ok(NAME, format!("SQLite at {}", path.display()))
            } else {
                Check::fail(
                    NAME,
                    format!(
                        "SQLite at {}: {} is not a writable directory",
                        path.display(),
                        dir.display()
                    ),
                    "point WEBHOOK_INBOX_URL at a persistent, writable volume",
                )
            }
        }
        InboxUrl::Redis(url) => {
            let fix = "start Redis or correct WEBHOOK_INBOX_URL (meanwhile the server starts, is not ready, and answers webhooks 503)";
            let ping = ping_check(NAME, url, timeout, "Redis stream, ", fix.to_owned()).await;
            if ping.status != Status::Ok {
                return ping;
            }
            match crate::inbox::redis::eviction_policy(url, timeout).await {
                Ok(Some(policy)) => Check::fail(
                    NAME,
                    format!(
                        "Redis at {} has a maxmemory limit and maxmemory-policy {policy}: it may evict acknowledged deliveries and duplicate markers, so the server refuses it (webhooks 503)",
                        origin(url)
                    ),
                    "set maxmemory-policy noeviction on the inbox's Redis (CONFIG SET maxmemory-policy noeviction, and in its config file)",
                ),
                Ok(None) => ping,
                Err(why) => Check::warn(
                    NAME,
                    format!(
                        "{}; its eviction policy could not be read: {why}",
                        ping.message
                    ),
                    "make sure the inbox's Redis runs with maxmemory-policy noeviction",
                ),
            }
        }
    }
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

fn http_error(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!("no answer within {} ms", timeout.as_millis())
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "request failed".to_owned()
    }
}

async fn upstream_check(settings: &Settings, path: &str, timeout: Duration) -> Check {
    const NAME: &str = "upstream";
    let Some(base) = &settings.upstream else {
        return Check::skip(
            NAME,
            "UPSTREAM_URL is not set: /api calls and verified webhooks have nowhere to go",
        );
    };
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let shown = format!("{}{path}", origin(base));
    let client = match http_client(timeout) {
        Ok(c) => c,
        Err(e) => return Check::fail(NAME, e, "report this"),
    };
    match client.get(format!("{base}{path}")).send().await {
        Ok(r) if r.status().is_server_error() => Check::warn(
            NAME,
            format!("GET {shown}: HTTP {}", r.status().as_u16()),
            "the upstream answers but fails: look at its logs",
        ),
        Ok(r) => Check::ok(NAME, format!("GET {shown}: HTTP {}", r.status().as_u16())),
        Err(e) => Check::fail(
            NAME,
            format!("GET {shown}: {}", http_error(&e, timeout)),
            "start the upstream or correct UPSTREAM_URL (--upstream-path picks the path doctor asks for)",
        ),
    }
}

async fn supabase_check(settings: &Settings, timeout: Duration) -> Check {
    const NAME: &str = "supabase";
    let auth = &settings.auth;
    let Some(url) = &auth.supabase_url else {
        return Check::skip(NAME, "SUPABASE_URL is not set");
    };
    let client = match http_client(timeout) {
        Ok(c) => c,
        Err(e) => return Check::fail(NAME, e, "report this"),
    };
    match auth.jwt_mode {
        JwtMode::Remote => {
            // What every token check needs: Supabase's gateway, reachable,
            // taking our anon key.
            let shown = format!("{}/auth/v1/settings", origin(url));
            let mut request = client.get(format!("{url}/auth/v1/settings"));
            if let Some(key) = &auth.supabase_anon_key {
                request = request.header("apikey", key.expose());
            }
            match request.send().await {
                Ok(r) if r.status().is_success() => Check::ok(
                    NAME,
                    format!("GET {shown}: HTTP {} (anon key taken)", r.status().as_u16()),
                ),
                Ok(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED => Check::fail(
                    NAME,
                    format!("GET {shown}: HTTP 401: the project refuses the anon key"),
                    "set SUPABASE_ANON_KEY to the project's anon (publishable) key",
                ),
                Ok(r) => Check::fail(
                    NAME,
                    format!("GET {shown}: HTTP {}", r.status().as_u16()),
                    "check SUPABASE_URL is the project's URL (https://<ref>.supabase.co)",
                ),
                Err(e) => Check::fail(
                    NAME,
                    format!("GET {shown}: {}", http_error(&e, timeout)),
                    "check SUPABASE_URL and the network path to Supabase",
                ),
            }
        }
        JwtMode::Local => {
            let shown = format!("{}/auth/v1/.well-known/jwks.json", origin(url));
            let answer = client
                .get(format!("{url}/auth/v1/.well-known/jwks.json"))
                .send()
                .await;
            let legacy = auth.jwt_secret.is_some();
            match answer {
                Ok(r) if r.status().is_success() => {
                    let keys = r
                        .json::<serde_json::Value>()
                        .await
                        .ok()
                        .and_then(|v| v.get("keys").and_then(|k| k.as_array()).map(Vec::len));
                    match (keys, legacy) {
                        (Some(n), _) if n > 0 => {
                            Check::ok(NAME, format!("GET {shown}: {n} signing key(s)"))
                        }
                        (_, true) => Check::ok(
                            NAME,
                            format!("GET {shown}: no signing key; the legacy HS256 secret is used"),
                        ),
                        (_, false) => Check::fail(
                            NAME,
                            format!("GET {shown}: no signing key, and no SUPABASE_JWT_SECRET"),
                            "enable asymmetric JWT signing keys in the project, or set SUPABASE_JWT_SECRET",
                        ),
                    }
                }
                Ok(r) => Check::fail(
                    NAME,
                    format!("GET {shown}: HTTP {}", r.status().as_u16()),
                    "check SUPABASE_URL is the project's URL (https://<ref>.supabase.co)",
                ),
                Err(e) => Check::fail(
                    NAME,
                    format!("GET {shown}: {}", http_error(&e, timeout)),
                    "check SUPABASE_URL and the network path to Supabase",
                ),
            }
        }
    }
}

const ROTATE: &str = "rotate the key (docs/operations.md, \"Rotating the service-account key\")";

async fn google_checks(settings: &Settings, timeout: Duration) -> Vec<Check> {
    let config = &settings.google;
    let Some(method) = config.method() else {
        let why = "no Google credentials configured (GOOGLE_PROJECT_ID, GOOGLE_CREDENTIALS_JSON)";
        return vec![
            Check::skip("google_credentials", why),
            Check::skip("google_secret", why),
            Check::skip("google_key_age", why),
        ];
    };
    let mut checks = Vec::new();
    checks.push(match method {
        Method::SecretManager => Check::ok(
            "google_credentials",
            format!(
                "Secret Manager: {} (access as {})",
                config.resource().unwrap_or_default(),
                match &config.application_credentials {
                    Some(_) => "the key file in GOOGLE_APPLICATION_CREDENTIALS",
                    None => "the metadata server's service account",
                }
            ),
        ),
        Method::Environment if settings.auth.production => Check::warn(
            "google_credentials",
            "GOOGLE_CREDENTIALS_JSON: the key sits in the environment (meant for local development)",
            "store it in Secret Manager and set GOOGLE_PROJECT_ID (docs/operations.md)",
        ),
        Method::Environment => Check::ok(
            "google_credentials",
            "GOOGLE_CREDENTIALS_JSON (local development)",
        ),
    });
    // One attempt, no retries: a diagnosis, bounded by the timeout.
    let backoff = Backoff {
        deadline: Duration::ZERO,
        ..Backoff::default()
    };
    let credentials = match within(timeout, GoogleCredentials::with_backoff(config, backoff)).await
    {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            checks.push(Check::fail(
                "google_secret",
                format!("cannot set up access: {e}"),
                "check GOOGLE_APPLICATION_CREDENTIALS (a readable key file) or the metadata server",
            ));
            checks.push(Check::skip("google_key_age", "no credentials to look up"));
            return checks;
        }
        None => {
            checks.push(Check::fail(
                "google_secret",
                format!("no token source within {} ms", timeout.as_millis()),
                "check the metadata server (GCE_METADATA_HOST) or GOOGLE_APPLICATION_CREDENTIALS",
            ));
            checks.push(Check::skip("google_key_age", "no credentials to look up"));
            return checks;
        }
    };
    let secret = within(timeout, credentials.check_secret()).await;
    let key_usable = matches!(&secret, Some(Ok(c))
        if c.decodes && c.crc32c != Crc32cCheck::Mismatch && c.key.is_ok());
    checks.push(secret_check(settings, secret, timeout));
    if key_usable {
        checks.push(key_age_check(settings, &credentials, timeout).await);
    } else {
        checks.push(Check::skip(
            "google_key_age",
            "no service-account key to look up",
        ));
    }
    checks
}

fn secret_check(
    settings: &Settings,
    secret: Option<Result<alphaguard_gcp_secrets::SecretCheck, GoogleError>>,
    timeout: Duration,
) -> Check {
    const NAME: &str = "google_secret";
    let secret_name = &settings.google.secret_name;
    let project = settings
        .google
        .project_id
        .as_deref()
        .unwrap_or("PROJECT_ID");
    let readd = format!(
        "add a good version: gcloud secrets versions add {secret_name} --data-file=KEY.json --project={project}"
    );
    let check = match secret {
        None => {
            return Check::fail(
                NAME,
                format!("no answer within {} ms", timeout.as_millis()),
                "check SECRET_MANAGER_ENDPOINT and the network path to Google",
            );
        }
        Some(Err(e)) => {
            let fix = match &e {
                GoogleError::PermissionDenied { .. } => format!(
                    "gcloud secrets add-iam-policy-binding {secret_name} --member=serviceAccount:RUNTIME_SA --role=roles/secretmanager.secretAccessor --project={project}"
                ),
                GoogleError::NotFound { .. } => format!(
                    "gcloud secrets create {secret_name} --data-file=KEY.json --project={project}, or correct GOOGLE_SECRET_NAME / GOOGLE_SECRET_VERSION"
                ),
                GoogleError::Corrupt { .. } => readd,
                _ => "check GOOGLE_APPLICATION_CREDENTIALS or the metadata server, and SECRET_MANAGER_ENDPOINT".to_owned(),
            };
            return Check::fail(NAME, e.to_string(), fix);
        }
        Some(Ok(check)) => check,
    };
    let version = check
        .version
        .as_deref()
        .unwrap_or("GOOGLE_CREDENTIALS_JSON");
    if !check.decodes {
        return Check::fail(NAME, format!("{version}: the payload is not base64"), readd);
    }
    if check.crc32c == Crc32cCheck::Mismatch {
        return Check::fail(
            NAME,
            format!("{version}: CRC32C does not match the payload (corrupted)"),
            readd,
        );
    }
    let identity = match &check.key {
        Ok(k) => k,
        Err(why) => {
            return Check::fail(
                NAME,
                format!(
                    "{version}: {} bytes, not a service-account key ({why})",
                    check.len
                ),
                readd,
            );
        }
    };
    let what = format!(
        "{version}: a service-account key for {} (key {})",
        identity.client_email,
        identity
            .private_key_id
            .as_deref()
            .unwrap_or("without an id")
    );
    match check.crc32c {
        Crc32cCheck::Missing => Check::warn(
            NAME,
            format!("{what}; Secret Manager sent no CRC32C, so integrity is unchecked"),
            readd,
        ),
        Crc32cCheck::Matches => Check::ok(NAME, format!("{what}; decodes, CRC32C matches")),
        _ => Check::ok(NAME, what),
    }
}

async fn key_age_check(
    settings: &Settings,
    credentials: &GoogleCredentials,
    timeout: Duration,
) -> Check {
    const NAME: &str = "google_key_age";
    let max = settings.google.key_max_age;
    let max_days = max.as_secs() / 86_400;
    let info = match within(timeout, credentials.key_info()).await {
        None => {
            return Check::warn(
                NAME,
                format!("IAM gave no answer within {} ms", timeout.as_millis()),
                "check IAM_ENDPOINT and the network path to Google",
            );
        }
        Some(Err(GoogleError::Iam(why))) if why.contains("no such key") => {
            return Check::fail(
                NAME,
                format!("IAM: {why}: the key in use was deleted"),
                ROTATE,
            );
        }
        Some(Err(e)) => {
            return Check::warn(
                NAME,
                format!("cannot read the key's age: {e}"),
                "grant roles/iam.serviceAccountViewer on the service account to the identity doctor runs as",
            );
        }
        Some(Ok(info)) => info,
    };
    let now = SystemTime::now();
    let days = info.age_days(now);
    let id = info.name.rsplit('/').next().unwrap_or("?").to_owned();
    if info.disabled {
        return Check::fail(NAME, format!("key {id} is disabled"), ROTATE);
    }
    if info.valid_before.is_some_and(|end| end <= now) {
        return Check::fail(NAME, format!("key {id} has expired"), ROTATE);
    }
    if info.is_older_than(max, now) {
        return Check::fail(
            NAME,
            format!(
                "key {id} is {days} days old (made {}), older than KEY_MAX_AGE_DAYS={max_days}",
                info.valid_after_time
            ),
            ROTATE,
        );
    }
    if days + KEY_AGE_WARNING_DAYS > max_days {
        return Check::warn(
            NAME,
            format!(
                "key {id} is {days} days old: KEY_MAX_AGE_DAYS={max_days} is reached in {} days",
                max_days.saturating_sub(days)
            ),
            ROTATE,
        );
    }
    Check::ok(
        NAME,
        format!("key {id} is {days} days old (policy: {max_days} days)"),
    )
}

/// The Drive client asks for `drive.readonly` and nothing else (the
/// crate's scopes are what its calls use).
fn drive_scopes(settings: &Settings) -> Check {
    const NAME: &str = "drive_scopes";
    let scopes = alphaguard_drive_sync::DriveClient::scopes();
    let mirror = if settings.drive.is_some() {
        "Drive mirror configured"
    } else {
        "Drive mirror not configured"
    };
    if scopes == [alphaguard_drive_sync::DRIVE_READONLY_SCOPE] {
        Check::ok(NAME, format!("drive.readonly only ({mirror})"))
    } else {
        Check::fail(
            NAME,
            format!("the Drive client asks for {}", scopes.join(" ")),
            "the mirror needs drive.readonly only: this build is wrong",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn trusted_proxies_wider_than_private_fail() {
        assert_eq!(trusted_proxies(&[]).status, Status::Ok);
        for ok in [
            &["10.0.0.0/8"][..],
            &["10.1.2.3/32", "192.168.0.0/24", "fd00::/8", "::1/128"],
            &["::ffff:10.0.0.0/104"],
        ] {
            assert_eq!(trusted_proxies(&nets(ok)).status, Status::Ok, "{ok:?}");
        }
        for warn in [&["203.0.113.0/24"][..], &["2001:db8::/32"], &["8.0.0.0/8"]] {
            assert_eq!(
                trusted_proxies(&nets(warn)).status,
                Status::Warn,
                "{warn:?}"
            );
        }
        for fail in [
            &["0.0.0.0/0"][..],
            &["::/0"],
            &["10.0.0.0/8", "0.0.0.0/1"],
            &["::ffff:0:0/96"],
            &["fc00::/6"],
        ] {
            let check = trusted_proxies(&nets(fail));
            assert_eq!(check.status, Status::Fail, "{fail:?}");
            assert!(check.fix.is_some());
        }
    }

    #[test]
    fn secret_variables_are_options() {
        for var in SECRET_VARIABLES {
            assert!(Args::VARIABLES.contains(var), "{var}");
        }
    }

    #[test]
    fn report_lines_and_json() {
        let report = Report {
            checks: vec![
                Check::ok("a", "fine"),
                Check::fail("b", "broken", "mend it"),
                Check::skip("c", "not configured"),
            ],
        };
        assert!(report.failed());
        let text = report.text();
        assert!(text.contains("ok    a: fine\n"), "{text}");
        assert!(text.contains("fail  b: broken (fix: mend it)\n"), "{text}");
        assert!(
            text.ends_with("doctor: 1 ok, 0 warn, 1 fail, 1 skip\n"),
            "{text}"
        );
        let json = report.json();
        assert_eq!(json["exit_code"], 1);
        assert_eq!(json["checks"][1]["status"], "fail");
        assert_eq!(json["checks"][1]["fix"], "mend it");
        assert!(json["checks"][0].get("fix").is_none());
    }
}
