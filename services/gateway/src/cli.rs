//! The command line: every variable has a flag that overrides it.

use std::process::ExitCode;
use std::sync::Arc;

use alphaguard_auth::Posture;
use alphaguard_sanitize::SafeFields;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::app::App;
use crate::server::{serve, shutdown_signal};
use crate::settings::{LogFormat, Settings};

macro_rules! variables {
    ($( $heading:literal [global = $global:literal] { $( $field:ident = $var:literal : $help:literal ),* $(,)? } )*) => {
        /// The gateway's options. Each reads its environment variable; the
        /// flag, when given, wins. Without a subcommand the gateway serves.
        // The help texts are the fields' docs too, written for `--help`.
        #[allow(rustdoc::bare_urls)]
        #[derive(Debug, Default, Parser)]
        #[command(
            name = "alphaguard",
            version,
            about = "alphaguard: authentication, rate limiting, webhook verification and observability in front of an existing API.",
            long_about = None,
            after_help = "Without a subcommand the gateway serves. `alphaguard doctor` checks this configuration without serving; `alphaguard drive-sync` mirrors the Drive folder once.",
        )]
        pub struct Args {
            $($(
                #[arg(long, env = $var, hide_env_values = true, help = $help, value_name = "VALUE", help_heading = $heading, global = $global)]
                #[doc = $help]
                pub $field: Option<String>,
            )*)*
            /// What to do instead of serving.
            #[command(subcommand)]
            pub command: Option<Command>,
        }

        impl Args {
            /// Every variable the gateway reads.
            pub const VARIABLES: &'static [&'static str] = &[$($($var),*),*];

            /// The value of variable `name`, from its flag or the environment.
            pub fn get(&self, name: &str) -> Option<String> {
                match name {
                    $($( $var => self.$field.clone(), )*)*
                    _ => None,
                }
            }

            /// The variables whose value came from a command-line flag
            /// (visible to every local user in the process list).
            pub fn given_as_flags(matches: &clap::ArgMatches) -> Vec<&'static str> {
                let mut given = Vec::new();
                $($(
                    if matches.value_source(stringify!($field)) == Some(clap::parser::ValueSource::CommandLine) {
                        given.push($var);
                    }
                )*)*
                given
            }
        }
    };
}

/// What to run instead of the server.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Check the configuration the server would run with, without serving:
    /// posture, reachability of Redis, the upstream and Supabase, and the
    /// Google credentials. One line per check (ok, warn, fail, skip) with
    /// the fix; exit 0 when nothing failed, 1 when a check failed, 2 for a
    /// configuration error. Options go before `doctor` or in the
    /// environment (the Google ones may also follow it).
    Doctor(crate::doctor::DoctorArgs),
    /// Mirror the Drive folder (DRIVE_FOLDER_ID) into DRIVE_SYNC_DIR once,
    /// with the Google credentials below; exit 0 when every file is
    /// mirrored, 1 when some failed, 2 for a configuration problem.
    DriveSync(alphaguard_drive_sync::cli::RunFlags),
}

variables! {
    "Server" [global = false] {
        bind_addr = "BIND_ADDR": "Listen address [default: 127.0.0.1:8080, or 0.0.0.0:$PORT]",
        port = "PORT": "Cloud Run's port: with BIND_ADDR unset, listen on 0.0.0.0:PORT",
        app_env = "APP_ENV": "`development` or `production` [default: development]",
        strict_security_mode = "STRICT_SECURITY_MODE": "1/true: in production, refuse to start while a critical secret is missing",
        header_read_timeout_ms = "HEADER_READ_TIMEOUT_MS": "Time from accept to a complete request head, whatever the protocol (an HTTP/2 preface or SETTINGS alone does not count), and from the first byte of a later HTTP/1 head to its end; then the connection is closed [default: 10000]",
        body_read_timeout_ms = "BODY_READ_TIMEOUT_MS": "Time a request body has to arrive, from its head; a late body gets 408 and the connection closes [default: 30000]",
        idle_timeout_ms = "IDLE_TIMEOUT_MS": "Time a connection may stay open with no request in flight (HTTP/1 keep-alive, HTTP/2) [default: 75000]",
        write_timeout_ms = "WRITE_TIMEOUT_MS": "Time a write to a client may stay blocked; a client that stops reading is dropped [default: 30000]",
        max_header_bytes = "MAX_HEADER_BYTES": "Largest request head, and the HTTP/2 header list size [default: 16384]",
        max_connections = "MAX_CONNECTIONS": "Connections open at once; near it idle keep-alive connections are closed first, past it new ones are closed at accept [default: 4096]",
        max_connections_per_client = "MAX_CONNECTIONS_PER_CLIENT": "Connections one client address may hold (IPv6 by RATE_LIMIT_IPV6_PREFIX; TRUSTED_PROXIES exempt); more are closed at accept [default: 256]",
        http2_keepalive_interval_ms = "HTTP2_KEEPALIVE_INTERVAL_MS": "HTTP/2: a PING is sent after this long without a frame from the client [default: 30000]",
        http2_keepalive_timeout_ms = "HTTP2_KEEPALIVE_TIMEOUT_MS": "HTTP/2: a PING unanswered this long closes the connection [default: 10000]",
        http2_max_concurrent_streams = "HTTP2_MAX_CONCURRENT_STREAMS": "HTTP/2: streams open at once per connection [default: 100]",
        http2_max_frame_size = "HTTP2_MAX_FRAME_SIZE": "HTTP/2: largest frame payload read, 16384 to 16777215 [default: 16384]",
        http2_max_resets = "HTTP2_MAX_RESETS": "HTTP/2: streams a client may cancel (rapid reset) before its connection is closed, once they are also over half its streams; and the resets its protocol errors may cost [default: 100]",
        shutdown_grace_secs = "SHUTDOWN_GRACE_SECS": "Time in-flight requests get on shutdown [default: 30]",
        cors_allowed_origins = "CORS_ALLOWED_ORIGINS": "Exact origins (like `https://app.example.com`) a browser may call from, comma-separated; unset = no CORS headers",
    }
    "Authentication" [global = false] {
        api_key = "API_KEY": "Service key(s) for X-Api-Key, comma-separated for rotation",
        supabase_url = "SUPABASE_URL": "Supabase project URL",
        supabase_anon_key = "SUPABASE_ANON_KEY": "Sent as the apikey header Supabase's gateway requires",
        supabase_jwt_mode = "SUPABASE_JWT_MODE": "`remote` (ask /auth/v1/user, cached) or `local` (JWKS / legacy secret) [default: remote]",
        supabase_jwt_secret = "SUPABASE_JWT_SECRET": "Legacy HS256 secret, for local mode",
        supabase_timeout_ms = "SUPABASE_TIMEOUT_MS": "Timeout of Supabase calls [default: 3000]",
        supabase_cache_ttl_secs = "SUPABASE_CACHE_TTL_SECS": "Longest a remotely verified token is cached [default: 30]",
        supabase_discord_id_claim = "SUPABASE_DISCORD_ID_CLAIM": "Local mode: the server-controlled claim holding the Discord id (for example app_metadata.discord_id); user_metadata is never read",
        owner_ids = "OWNER_IDS": "Owner Discord user ids, comma-separated: the only callers of /api/admin/...",
        admin_role_id = "ADMIN_ROLE_ID": "Admin Discord role ids, comma-separated: validated for the bot that shares this environment; the gateway has no verified source of guild roles and grants nothing by role",
    }
    "Webhooks" [global = false] {
        supabase_webhook_secret = "SUPABASE_WEBHOOK_SECRET": "Secret of the supabase-auth and gdpr-erasure webhooks",
        premium_invalidate_webhook_secret = "PREMIUM_INVALIDATE_WEBHOOK_SECRET": "Secret of the premium-invalidate webhook",
        app_reflections_webhook_secret = "APP_REFLECTIONS_WEBHOOK_SECRET": "Secret of the reflections webhook",
        founder_webhook_secret = "FOUNDER_WEBHOOK_SECRET": "Secret of the founder webhook",
        legal_update_webhook_secret = "LEGAL_UPDATE_WEBHOOK_SECRET": "Secret of the legal-update webhook",
        webhook_inbox_url = "WEBHOOK_INBOX_URL": "Where verified webhooks are persisted before 2xx: sqlite:PATH (created on first use), redis://HOST:PORT/DB (shared by replicas) or memory: (development only) [default: sqlite:alphaguard-data/webhook-inbox.sqlite3]",
        webhook_inbox_max_pending = "WEBHOOK_INBOX_MAX_PENDING": "Pending deliveries past which senders get 503 [default: 1000000]",
        webhook_inbox_visibility_secs = "WEBHOOK_INBOX_VISIBILITY_SECS": "Redis inbox: a delivery a replica holds this long without a sign of life is taken over by another [default: 60]",
        webhook_delivery_max_attempts = "WEBHOOK_DELIVERY_MAX_ATTEMPTS": "Delivery attempts before a dead letter [default: 12]",
        webhook_delivery_max_age_secs = "WEBHOOK_DELIVERY_MAX_AGE_SECS": "Age after which a failing delivery becomes a dead letter [default: 259200]",
        webhook_retry_min_ms = "WEBHOOK_RETRY_MIN_MS": "First retry delay (exponential, with jitter) [default: 1000]",
        webhook_retry_max_ms = "WEBHOOK_RETRY_MAX_MS": "Longest retry delay before jitter [default: 600000]",
        webhook_delivery_concurrency = "WEBHOOK_DELIVERY_CONCURRENCY": "Deliveries held at once (one per webhook in flight) [default: 8]",
    }
    "Rate limits" [global = false] {
        rate_limit_probe_per_min = "RATE_LIMIT_PROBE_PER_MIN": "Probe tier limit per minute (/health, /metrics; never fails closed) [default: 60]",
        rate_limit_read_per_min = "RATE_LIMIT_READ_PER_MIN": "Read tier limit per minute (GET, HEAD, OPTIONS on /api) [default: 30]",
        rate_limit_write_per_min = "RATE_LIMIT_WRITE_PER_MIN": "Write tier limit per minute (other methods, unknown paths) [default: 10]",
        rate_limit_webhook_per_min = "RATE_LIMIT_WEBHOOK_PER_MIN": "Webhook tier limit per minute (POST /webhooks/...) [default: 600]",
        rate_limit_cleanup_secs = "RATE_LIMIT_CLEANUP_SECS": "Idle-client sweep period [default: 600]",
        rate_limit_max_clients = "RATE_LIMIT_MAX_CLIENTS": "Most clients tracked per tier in memory [default: 1000000]",
        rate_limit_ipv6_prefix = "RATE_LIMIT_IPV6_PREFIX": "IPv6 clients are limited by this prefix (logs and upstream get the full address) [default: 64]",
        rate_limit_on_store_error = "RATE_LIMIT_ON_STORE_ERROR": "`closed` or `open` when Redis fails (probes are counted in memory either way) [default: closed]",
        rate_limit_redis_url = "RATE_LIMIT_REDIS_URL": "Redis shared by replicas for limits and webhook replay",
        trusted_proxies = "TRUSTED_PROXIES": "CIDRs whose X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host are believed, comma-separated",
    }
    "Upstream" [global = false] {
        upstream_url = "UPSTREAM_URL": "Where verified webhooks and authenticated /api calls go",
        upstream_timeout_ms = "UPSTREAM_TIMEOUT_MS": "Timeout of an upstream exchange [default: 10000]",
    }
    "Observability" [global = false] {
        observability_window_secs = "OBSERVABILITY_WINDOW_SECS": "Rolling window of /api/observability [default: 300]",
        log_format = "LOG_FORMAT": "`text` or `json` [default: text]",
        access_log = "ACCESS_LOG": "`on` or `off`: one info line per request [default: on]",
        metrics_bind_addr = "METRICS_BIND_ADDR": "Serve /metrics on this address only (it leaves the public listener)",
    }
    "Google" [global = true] {
        google_project_id = "GOOGLE_PROJECT_ID": "Secret Manager project of the Google credentials",
        google_secret_name = "GOOGLE_SECRET_NAME": "Secret Manager secret [default: alphapy-google-credentials]",
        google_secret_version = "GOOGLE_SECRET_VERSION": "Secret Manager version [default: latest]",
        google_credentials_json = "GOOGLE_CREDENTIALS_JSON": "Local-development fallback for the Google credentials",
        google_application_credentials = "GOOGLE_APPLICATION_CREDENTIALS": "Key file for Secret Manager access (else the metadata server)",
        gce_metadata_host = "GCE_METADATA_HOST": "Metadata server host [default: metadata.google.internal]",
        secret_manager_endpoint = "SECRET_MANAGER_ENDPOINT": "Secret Manager base URL [default: secretmanager.googleapis.com, HTTPS]",
        google_secret_cache_ttl_secs = "GOOGLE_SECRET_CACHE_TTL_SECS": "How long the credentials are cached [default: 3600]",
        google_secret_stale_if_error_secs = "GOOGLE_SECRET_STALE_IF_ERROR_SECS": "How old cached credentials may be served while Secret Manager fails [default: 21600]",
        google_secret_retry_deadline_secs = "GOOGLE_SECRET_RETRY_DEADLINE_SECS": "How long Secret Manager 429/503 are retried [default: 60]",
        iam_endpoint = "IAM_ENDPOINT": "IAM API base URL, for the service-account key age check [default: iam.googleapis.com, HTTPS]",
        key_max_age_days = "KEY_MAX_AGE_DAYS": "Oldest a service-account key may be before doctor fails [default: 90]",
        drive_folder_id = "DRIVE_FOLDER_ID": "Drive folder to mirror",
        drive_sync_dir = "DRIVE_SYNC_DIR": "Where the Drive mirror goes",
        drive_sync_interval_secs = "DRIVE_SYNC_INTERVAL_SECS": "Time between Drive mirror runs [default: 3600]",
        drive_api_root_url = "DRIVE_API_ROOT_URL": "Another Google API root for Drive (tests, proxies): https, or http to loopback only",
        drive_max_file_bytes = "DRIVE_MAX_FILE_BYTES": "Largest file the Drive mirror downloads [default: 1073741824]",
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let result = match format {
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_timer(crate::log_time::UtcMicros)
            .with_writer(crate::log_writer::Stdout)
            .with_env_filter(filter)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => tracing_subscriber::fmt()
            .fmt_fields(SafeFields::default())
            // (before `event_format`: the layer keeps the setting, the
            // line format has no colours to turn off)
            .with_ansi(false)
            .event_format(crate::log_line::TextLine::default())
            .with_writer(crate::log_writer::Stdout)
            .with_env_filter(filter)
            .try_init(),
    };
    if let Err(e) = result {
        eprintln!("alphaguard: logging not initialised: {e}");
    }
}

/// Parses the command line and environment, checks everything, and serves
/// until SIGINT or SIGTERM. Exit codes: 0 after a clean shutdown, 2 for a
/// configuration that must not start, 1 for a failure to start.
pub fn run() -> ExitCode {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let matches = Args::command().get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    match &args.command {
        Some(Command::Doctor(doctor)) => {
            return crate::doctor::main(&args, doctor, &Args::given_as_flags(&matches));
        }
        Some(Command::DriveSync(flags)) => return drive_sync(&args, flags.clone()),
        None => {}
    }
    serve_with(&args)
}

/// `alphaguard drive-sync`: one run of the mirror with the `GOOGLE_*` and
/// `DRIVE_*` options.
fn drive_sync(args: &Args, flags: alphaguard_drive_sync::cli::RunFlags) -> ExitCode {
    alphaguard_drive_sync::cli::init_logging();
    let lookup = |name: &str| args.get(name);
    let google = alphaguard_gcp_secrets::Config::from_lookup(lookup);
    let drive = alphaguard_drive_sync::DriveConfig::from_lookup(lookup);
    let (google, drive) = match (google, drive) {
        (Ok(g), Ok(d)) => (g, d),
        (g, d) => {
            let mut errors = g.err().unwrap_or_default();
            errors.extend(d.err().unwrap_or_default());
            eprintln!("alphaguard drive-sync: {errors}");
            return ExitCode::from(2);
        }
    };
    let (Some(folder), Some(dest)) = (args.drive_folder_id.clone(), args.drive_sync_dir.clone())
    else {
        eprintln!(
            "alphaguard drive-sync: DRIVE_FOLDER_ID and DRIVE_SYNC_DIR (--drive-folder-id, --drive-sync-dir) are needed"
        );
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alphaguard drive-sync: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(
        alphaguard_drive_sync::cli::Run {
            program: "alphaguard drive-sync",
            google: &google,
            drive: &drive,
            folder,
            dest: dest.into(),
            flags,
        }
        .run(),
    )
}

/// The server.
fn serve_with(args: &Args) -> ExitCode {
    let lookup = |name: &str| args.get(name);
    let settings = match Settings::from_lookup(&lookup) {
        Ok(settings) => settings,
        Err(errors) => {
            // Logging may not be set up yet: say it plainly on stderr.
            eprintln!("alphaguard: refusing to start: {errors}");
            return ExitCode::from(2);
        }
    };
    init_logging(settings.log_format);
    let missing = settings.missing_critical();
    if !missing.is_empty() {
        let list = missing.join(", ");
        tracing::error!(missing = %list, "strict production mode: critical secrets missing");
        eprintln!("alphaguard: refusing to start: strict production mode needs {list}");
        return ExitCode::from(2);
    }
    match settings.auth.posture() {
        Posture::Unauthenticated => tracing::warn!(
            "!!! UNAUTHENTICATED MODE: neither API_KEY nor SUPABASE_URL is set; every request is let through. Development only. !!!"
        ),
        Posture::Normal | Posture::ProductionStrict => {}
    }
    let unconfigured: Vec<&str> = settings.webhooks.unconfigured().map(|s| s.name).collect();
    if !unconfigured.is_empty() {
        tracing::warn!(
            webhooks = %unconfigured.join(", "),
            "webhooks without a secret are accepted unverified (development only)"
        );
    }
    if settings.auth.production && !settings.auth.strict {
        tracing::warn!(
            "APP_ENV=production without STRICT_SECURITY_MODE: missing secrets do not stop the start"
        );
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Log lines are written a batch at a time (see `log_writer`).
        .on_thread_park(crate::log_writer::on_park)
        .on_thread_stop(crate::log_writer::on_stop)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alphaguard: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let bind = settings.bind;
        let limits = settings.server.clone();
        let metrics_bind = settings.metrics_bind;
        let app = match App::build(settings).await {
            Ok(app) => Arc::new(app),
            Err(e) => {
                tracing::error!(error = %e, "cannot start");
                return ExitCode::FAILURE;
            }
        };
        let listener = match tokio::net::TcpListener::bind(bind).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(%bind, error = %e, "cannot listen");
                return ExitCode::FAILURE;
            }
        };
        let bound = listener.local_addr().map_or(bind, |a| a);
        // Installed before "listening": a SIGTERM from then on is a clean stop.
        let shutdown = shutdown_signal();
        tracing::info!(addr = %bound, "alphaguard listening");
        let metrics_task = match metrics_bind {
            Some(addr) => match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => {
                    tracing::info!(addr = %addr, "metrics listening");
                    Some(tokio::spawn(crate::server::serve_metrics(
                        l,
                        Arc::clone(&app),
                    )))
                }
                Err(e) => {
                    tracing::error!(%addr, error = %e, "cannot listen for metrics");
                    return ExitCode::FAILURE;
                }
            },
            None => None,
        };
        serve(listener, Arc::clone(&app), limits, shutdown).await;
        // No more requests: let the inbox worker finish or release what it
        // holds.
        app.shutdown_inbox().await;
        if let Some(task) = metrics_task {
            task.abort();
        }
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    /// Every variable any crate's `from_lookup` asks for is a gateway
    /// option: a variable missing from `Args` would silently never be read.
    /// The list is observed, not written twice: the settings are read once
    /// with nothing set and once with everything set to garbage (which
    /// reaches the reads that depend on another variable).
    #[test]
    fn every_variable_read_is_an_option() {
        let asked = RefCell::new(BTreeSet::new());
        for value in [None, Some("1"), Some("x")] {
            let lookup = |name: &str| {
                asked.borrow_mut().insert(name.to_owned());
                value.map(str::to_owned)
            };
            let _ = Settings::from_lookup(&lookup);
        }
        let asked = asked.into_inner();
        let missing: Vec<&String> = asked
            .iter()
            .filter(|v| !Args::VARIABLES.contains(&v.as_str()))
            .collect();
        assert!(missing.is_empty(), "not gateway options: {missing:?}");
        // And the other way: no option that nothing reads.
        let unread: Vec<&&str> = Args::VARIABLES
            .iter()
            .filter(|v| !asked.contains(**v))
            .collect();
        assert!(unread.is_empty(), "options nothing reads: {unread:?}");
    }

    #[test]
    fn help_groups_options_under_headings() {
        use clap::CommandFactory;
        let help = Args::command().render_help().to_string();
        for heading in [
            "Server:",
            "Authentication:",
            "Webhooks:",
            "Rate limits:",
            "Upstream:",
            "Observability:",
            "Google:",
        ] {
            assert!(help.contains(heading), "{heading} missing from --help");
        }
        assert!(help.contains("RATE_LIMIT_MAX_CLIENTS") && help.contains("1000000"));
    }
}
