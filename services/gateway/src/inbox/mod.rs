//! The webhook inbox: a verified delivery is written durably before the
//! sender is told 2xx, and a background worker delivers it to the upstream
//! at least once, with retries, then dead letters.
//!
//! ```text
//! POST /webhooks/{name} -> verify -> Inbox::persist -> 202 (New) / 200 (Duplicate) / 503 (cannot persist)
//!                                        |
//!                               Store (SQLite | Redis Streams | memory)
//!                                        |
//!                worker: claim -> POST UPSTREAM_URL/webhooks/{name} -> delivered | retry (backoff) | dead letter
//! ```
//!
//! Stores sit behind one trait, [`store::Store`], and pass one shared test
//! suite:
//! - [`sqlite`]: the embedded default, WAL with `synchronous=FULL` and group
//!   commit (concurrent persists share one transaction and one fsync; none
//!   is acknowledged before the fsync that covers it);
//! - [`redis`]: a Redis Stream with a consumer group, so replicas share one
//!   inbox, with `XAUTOCLAIM` reclaiming what a dead replica held;
//! - `memory:`: SQLite in memory, for development only.
//!
//! The inbox is also the gateway's replay memory: a delivery whose id was
//! already persisted is a [`Persisted::Duplicate`], acknowledged without a
//! second record. Ids are the verified `webhook-id`, or for plain-scheme
//! and unverified deliveries an id derived from the webhook's name and the
//! body ([`alphaguard_webhook_hmac::replay::derived_id`]).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::Notify;

pub mod admin;
pub mod metrics;
pub mod redis;
pub mod sqlite;
pub mod store;
pub mod worker;

#[cfg(test)]
mod suite;

pub use store::{DeadLetter, Delivery, Store, StoreError, Summary};
pub use worker::{WorkerHandle, WorkerOptions};

use crate::observe::INBOX_PERSIST_DURATION;

/// The default `WEBHOOK_INBOX_URL`.
pub const DEFAULT_URL: &str = "sqlite:alphaguard-data/webhook-inbox.sqlite3";

/// How long the id of a delivery with a verified Standard Webhooks id is
/// kept after receipt (at least until `timestamp + tolerance`): a sender's
/// late retry of the same id is still recognised.
pub const VERIFIED_ID_RETENTION: Duration = Duration::from_secs(24 * 3600);

/// The default cap on pending deliveries: past it, persists are refused
/// (503) rather than filling the disk.
pub const DEFAULT_MAX_PENDING: u64 = 1_000_000;

/// Where the inbox lives: `WEBHOOK_INBOX_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum InboxUrl {
    /// `sqlite:PATH`: a SQLite file, created (with its directory) on first use.
    Sqlite(PathBuf),
    /// `redis://…` or `rediss://…`: a Redis Stream shared by replicas.
    Redis(String),
    /// `memory:`: SQLite in memory; lost on exit. Development only.
    Memory,
}

impl fmt::Debug for InboxUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            // The URL may hold a password.
            Self::Redis(_) => f.write_str("redis://[redacted]"),
            Self::Memory => f.write_str("memory:"),
        }
    }
}

impl InboxUrl {
    /// Parses `sqlite:PATH`, `redis://…`, `rediss://…` or `memory:`. The
    /// error never repeats the value (a Redis URL may hold a password).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() || path.contains('\0') {
                return Err(
                    "sqlite: needs a file path, like sqlite:alphaguard-data/webhook-inbox.sqlite3",
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("redis://") || text.starts_with("rediss://") {
            return match ::redis::Client::open(text) {
                Ok(_) => Ok(Self::Redis(text.to_owned())),
                Err(_) => Err("is not a valid Redis URL"),
            };
        }
        if text == "memory:" {
            return Ok(Self::Memory);
        }
        Err("must be sqlite:PATH, redis://HOST:PORT/DB or memory:")
    }

    /// `sqlite`, `redis` or `memory`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Redis(_) => "redis",
            Self::Memory => "memory",
        }
    }
}

impl Default for InboxUrl {
    fn default() -> Self {
        Self::Sqlite(PathBuf::from("alphaguard-data/webhook-inbox.sqlite3"))
    }
}

/// A verified delivery, as the handler hands it to [`Inbox::persist`].
#[derive(Clone)]
pub struct NewDelivery {
    pub(crate) webhook: String,
    pub(crate) body: Bytes,
    pub(crate) request_id: String,
    pub(crate) received_at_ms: u64,
    pub(crate) id: String,
    pub(crate) id_verified: bool,
    pub(crate) timestamp: Option<u64>,
    pub(crate) content_type: Option<String>,
    pub(crate) tolerance: Duration,
    pub(crate) signed: bool,
    /// Where the id must be unique besides the webhook (see
    /// [`NewDelivery::replay_scope`]).
    pub(crate) replay_scope: Option<String>,
}

impl fmt::Debug for NewDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the body: it may hold personal data.
        f.debug_struct("NewDelivery")
            .field("webhook", &self.webhook)
            .field("id", &self.id)
            .field("bytes", &self.body.len())
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    unix_ms(SystemTime::now())
}

impl NewDelivery {
    /// A delivery to webhook `name`, received at `received_at`. Until
    /// [`Self::verified_id`] says otherwise its id is derived from the name
    /// and the body, and it is kept as a duplicate marker for the
    /// tolerance (default five minutes, [`Self::tolerance`]).
    pub fn new(
        name: &str,
        body: Bytes,
        request_id: impl Into<String>,
        received_at: SystemTime,
    ) -> Self {
        Self {
            id: alphaguard_webhook_hmac::replay::derived_id(name, &body),
            webhook: name.to_owned(),
            body,
            request_id: request_id.into(),
            received_at_ms: unix_ms(received_at),
            id_verified: false,
            timestamp: None,
            content_type: None,
            tolerance: alphaguard_webhook_hmac::standard::DEFAULT_TOLERANCE,
            signed: false,
            replay_scope: None,
        }
    }

    /// Makes the id a duplicate across every webhook of `scope`, not only
    /// this one. A Standard Webhooks signature does not say which endpoint
    /// it was made for, so the gateway passes the secret's variable here:
    /// webhooks that share a secret share their duplicate markers, and a
    /// delivery signed for one of them, sent again to another, is
    /// acknowledged and dropped there instead of being delivered to a
    /// second handler.
    pub fn replay_scope(mut self, scope: impl Into<String>) -> Self {
        self.replay_scope = Some(scope.into());
        self
    }

    /// The verified Standard Webhooks `webhook-id` and timestamp (Unix
    /// seconds): the id the inbox dedupes on and forwards.
    pub fn verified_id(mut self, id: impl Into<String>, timestamp: u64) -> Self {
        self.id = id.into();
        self.id_verified = true;
        self.timestamp = Some(timestamp);
        self.signed = true;
        self
    }

    /// The signature verified (any scheme): forwarded as
    /// `X-Webhook-Verified: true`.
    pub fn signed(mut self, signed: bool) -> Self {
        self.signed = signed;
        self
    }

    /// The sender's `Content-Type`, forwarded as is.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The webhook's timestamp tolerance (how long a derived id is a
    /// duplicate marker; a verified id stays at least until
    /// `timestamp + tolerance`).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The id the inbox dedupes on.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Until when (ms) a second delivery with this id is a duplicate.
    pub(crate) fn dedupe_until_ms(&self) -> u64 {
        let tolerance = u64::try_from(self.tolerance.as_millis()).unwrap_or(u64::MAX);
        match self.timestamp {
            Some(ts) if self.id_verified => {
                let retention =
                    u64::try_from(VERIFIED_ID_RETENTION.as_millis()).unwrap_or(u64::MAX);
                ts.saturating_mul(1000)
                    .saturating_add(tolerance)
                    .max(self.received_at_ms.saturating_add(retention))
            }
            _ => self.received_at_ms.saturating_add(tolerance),
        }
    }
}

/// What [`Inbox::persist`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persisted {
    /// Written durably: answer 2xx, the worker delivers it.
    New,
    /// A delivery with this id was already persisted: answer 2xx, no second
    /// record.
    Duplicate,
}

/// Why a delivery could not be persisted: the sender must be told 503 with
/// `Retry-After`, never 2xx.
#[derive(Debug)]
pub struct InboxError {
    reason: &'static str,
    retry_after: Duration,
    detail: String,
}

impl InboxError {
    pub(crate) fn new(
        reason: &'static str,
        retry_after: Duration,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            reason,
            retry_after,
            detail: detail.into(),
        }
    }

    /// Always true: the delivery was not written, so it must not be
    /// acknowledged.
    pub fn cannot_persist(&self) -> bool {
        true
    }

    /// When the sender should try again.
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// A short label: `full`, `store` or `closed`.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for InboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot persist ({}): {}", self.reason, self.detail)
    }
}

impl std::error::Error for InboxError {}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Full => Self::new("full", Duration::from_secs(30), "inbox full"),
            StoreError::Closed => Self::new("closed", Duration::from_secs(5), "inbox closed"),
            StoreError::Failed(detail) => Self::new("store", Duration::from_secs(5), detail),
        }
    }
}

/// The webhook inbox: a store, and the signal that wakes the worker.
#[derive(Debug, Clone)]
pub struct Inbox {
    store: Arc<dyn Store>,
    wake: Arc<Notify>,
    url_kind: &'static str,
}

impl Inbox {
    /// Opens the inbox at `url` (creating a SQLite file and its directory
    /// on first use; a Redis stream and its consumer group when Redis is
    /// first reached, which need not be now).
    pub async fn open(url: &InboxUrl) -> Result<Self, StoreError> {
        Self::open_with(url, DEFAULT_MAX_PENDING, Duration::from_secs(60)).await
    }

    /// Opens it with a cap on pending deliveries and, for Redis, the
    /// visibility timeout after which another replica takes over what a
    /// silent one held.
    pub async fn open_with(
        url: &InboxUrl,
        max_pending: u64,
        visibility: Duration,
    ) -> Result<Self, StoreError> {
        let store: Arc<dyn Store> = match url {
            InboxUrl::Sqlite(path) => {
                let path = path.clone();
                Arc::new(
                    tokio::task::spawn_blocking(move || {
                        sqlite::SqliteStore::open(&path, max_pending)
                    })
                    .await
                    .map_err(|e| StoreError::Failed(format!("open: {e}")))??,
                )
            }
            InboxUrl::Memory => Arc::new(sqlite::SqliteStore::memory(max_pending)?),
            // Lazy: the gateway starts while Redis is away; webhooks get
            // 503 and /ready waits for it meanwhile.
            InboxUrl::Redis(url) => Arc::new(redis::RedisStore::connect_lazy(
                url,
                redis::RedisOptions {
                    visibility,
                    ..redis::RedisOptions::default()
                },
                max_pending,
            )?),
        };
        Ok(Self::from_store(store, url.kind()))
    }

    /// An inbox over any store.
    pub fn from_store(store: Arc<dyn Store>, kind: &'static str) -> Self {
        Self {
            store,
            wake: Arc::new(Notify::new()),
            url_kind: kind,
        }
    }

    /// `sqlite`, `redis` or `memory`.
    pub fn kind(&self) -> &'static str {
        self.url_kind
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Writes `delivery` durably, or says it was already there. Returns
    /// only once the write is durable (SQLite: after the fsync covering
    /// it; Redis: after the server applied it).
    pub async fn persist(&self, delivery: NewDelivery) -> Result<Persisted, InboxError> {
        let started = Instant::now();
        let result = self.store.persist(delivery, now_ms()).await;
        ::metrics::histogram!(INBOX_PERSIST_DURATION).record(started.elapsed().as_secs_f64());
        let persisted = result?;
        if persisted == Persisted::New {
            self.wake.notify_one();
        }
        Ok(persisted)
    }

    /// Starts the worker that delivers to `upstream`.
    pub fn start_worker(
        &self,
        upstream: Arc<crate::forward::Upstream>,
        options: WorkerOptions,
    ) -> WorkerHandle {
        worker::start(
            Arc::clone(&self.store),
            Arc::clone(&self.wake),
            worker::HttpTarget::new(upstream),
            options,
        )
    }

    /// The dead letters, oldest first, at most `limit`.
    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, StoreError> {
        self.store.dead_letters(limit).await
    }

    /// Puts dead letter (`webhook`, `id`) back in the queue with a fresh
    /// retry budget; false if there is no such dead letter.
    pub async fn redeliver(&self, webhook: &str, id: &str) -> Result<bool, StoreError> {
        let done = self.store.redeliver(webhook, id, now_ms()).await?;
        if done {
            self.wake.notify_one();
        }
        Ok(done)
    }

    /// Puts every dead letter back in the queue; how many.
    pub async fn redeliver_all(&self) -> Result<u64, StoreError> {
        let n = self.store.redeliver_all(now_ms()).await?;
        if n > 0 {
            self.wake.notify_one();
        }
        Ok(n)
    }

    /// Queue depth, oldest pending age, attempts.
    pub async fn summary(&self) -> Result<Summary, StoreError> {
        self.store.summary(now_ms()).await
    }
}
