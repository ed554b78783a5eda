//! `GET /ready`: readiness, apart from liveness.
//!
//! `/health` answers 200 whenever the process serves. `/ready` answers 200
//! only while every dependency the configuration names is reachable, and
//! 503 otherwise, so an orchestrator holds traffic back from a replica
//! that is alive but not ready instead of restarting it in a loop:
//!
//! - `redis` (with `RATE_LIMIT_REDIS_URL`): a `PING` answered on the
//!   limiter's own connection;
//! - `webhook_inbox`: the inbox (`WEBHOOK_INBOX_URL`) answers a summary
//!   query, so its store (SQLite writer or Redis stream, connected lazily
//!   like the limiter) is there to take the next delivery;
//! - `google_credentials` (with `GOOGLE_PROJECT_ID` or
//!   `GOOGLE_CREDENTIALS_JSON`): the service-account key loaded (from the
//!   cache, or served stale while Secret Manager fails).
//!
//! The probes run in a background task (every second while something is
//! down, every five seconds otherwise, each bounded by two seconds), so a
//! request to `/ready` does no I/O and cannot be used to make the gateway
//! call its dependencies. The probing also makes lazy Redis connections
//! reconnect while no traffic uses them. Another dependency is one more
//! [`Readiness::add`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http::{Response, StatusCode};

use crate::app::App;
use crate::respond::{self, Body};

type ProbeFuture = Pin<Box<dyn Future<Output = bool> + Send>>;
type ProbeFn = Box<dyn Fn() -> ProbeFuture + Send + Sync>;

/// How long one probe may take before it counts as down.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Time between probe rounds while something is down.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(1);
/// Time between probe rounds while everything is up.
pub const STEADY_INTERVAL: Duration = Duration::from_secs(5);

struct Probe {
    name: &'static str,
    up: AtomicBool,
    check: ProbeFn,
}

/// The dependencies `/ready` waits for, and whether each answered its last
/// probe.
#[derive(Default)]
pub struct Readiness {
    probes: Vec<Probe>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness")
            .field("waiting_for", &self.waiting_for())
            .finish()
    }
}

impl Readiness {
    /// Waits for `name` too: `check` answers whether it is reachable now.
    /// It starts as down until its first probe says otherwise.
    pub fn add<F, Fut>(&mut self, name: &'static str, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.probes.push(Probe {
            name,
            up: AtomicBool::new(false),
            check: Box::new(move || Box::pin(check())),
        });
    }

    /// The dependencies not reachable at their last probe (empty: ready).
    pub fn waiting_for(&self) -> Vec<&'static str> {
        self.probes
            .iter()
            .filter(|p| !p.up.load(Ordering::Acquire))
            .map(|p| p.name)
            .collect()
    }

    /// Whether nothing is waited for.
    pub fn is_ready(&self) -> bool {
        self.probes.iter().all(|p| p.up.load(Ordering::Acquire))
    }

    /// Runs every probe once, logging each change.
    pub async fn probe_all(&self) {
        for probe in &self.probes {
            let up = tokio::time::timeout(PROBE_TIMEOUT, (probe.check)())
                .await
                .unwrap_or(false);
            let was = probe.up.swap(up, Ordering::AcqRel);
            match (was, up) {
                (false, true) => tracing::info!(dependency = probe.name, "dependency reachable"),
                (true, false) => {
                    tracing::warn!(
                        dependency = probe.name,
                        "dependency not reachable: not ready"
                    );
                }
                _ => {}
            }
        }
    }

    /// Probes now and then forever (until the task is aborted); `None`
    /// when there is nothing to wait for.
    pub fn spawn(self: &Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if self.probes.is_empty() {
            return None;
        }
        let this = Arc::clone(self);
        Some(tokio::spawn(async move {
            loop {
                this.probe_all().await;
                let wait = if this.is_ready() {
                    STEADY_INTERVAL
                } else {
                    RETRY_INTERVAL
                };
                tokio::time::sleep(wait).await;
            }
        }))
    }
}

impl App {
    /// `GET /ready`: 200 `{"status":"ready"}`, or 503 with the generic
    /// error and the dependencies waited for.
    pub(crate) fn ready(&self, request_id: &str) -> Response<Body> {
        let waiting = self.readiness.waiting_for();
        if waiting.is_empty() {
            return respond::json(StatusCode::OK, &br#"{"status":"ready"}"#[..]);
        }
        let body = serde_json::json!({
            "error": "not ready",
            "request_id": request_id,
            "waiting_for": waiting,
        });
        let mut response = respond::json(StatusCode::SERVICE_UNAVAILABLE, body.to_string());
        response.headers_mut().insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("1"),
        );
        response
    }
}
