//! The one trait every inbox store implements, and what it hands around.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use serde::Serialize;

use super::{NewDelivery, Persisted};

/// A boxed future, so the trait can be used as `dyn Store`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A store failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// More pending deliveries than the cap.
    Full,
    /// The store was shut down.
    Closed,
    /// The store could not answer (I/O, Redis down, ...): the detail, never
    /// a secret or a body.
    Failed(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full => f.write_str("inbox full"),
            Self::Closed => f.write_str("inbox closed"),
            Self::Failed(detail) => write!(f, "inbox store failed: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A persisted delivery, as the worker claims it.
#[derive(Clone)]
pub struct Delivery {
    /// The store's handle on this claim (SQLite: the row; Redis: the stream
    /// entry).
    pub key: String,
    /// The id forwarded as idempotency key (verified or derived).
    pub id: String,
    /// Whether `id` is the verified `webhook-id`.
    pub id_verified: bool,
    /// The webhook's name.
    pub webhook: String,
    /// The body, byte for byte.
    pub body: Bytes,
    /// The sender's `Content-Type`.
    pub content_type: Option<String>,
    /// The request id of the delivery that was acknowledged.
    pub request_id: String,
    /// When it was received, ms since the epoch.
    pub received_at_ms: u64,
    /// The verified timestamp (Unix seconds).
    pub timestamp: Option<u64>,
    /// Whether the signature was verified.
    pub signed: bool,
    /// Attempts made so far.
    pub attempts: u32,
    /// Until when its id is a duplicate marker (ms).
    pub dedupe_until_ms: u64,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("key", &self.key)
            .field("webhook", &self.webhook)
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .field("bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A dead letter, as the owner routes list it (never the body).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeadLetter {
    /// The webhook.
    pub webhook: String,
    /// The delivery id.
    pub id: String,
    /// The request id it was acknowledged under.
    pub request_id: String,
    /// When it was received, ms since the epoch.
    pub received_at_ms: u64,
    /// Attempts made.
    pub attempts: u32,
    /// The last failure (status or error kind).
    pub last_error: String,
    /// Body size in bytes.
    pub bytes: usize,
}

/// The queue at a glance.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    /// Pending deliveries (in flight included).
    pub pending: u64,
    /// Dead letters.
    pub dead_letters: u64,
    /// Pending deliveries that have failed at least once.
    pub retrying: u64,
    /// The most attempts any pending delivery has had.
    pub max_attempts: u32,
    /// Age of the oldest pending delivery, seconds (0 when none).
    pub oldest_pending_age_secs: f64,
    /// Pending deliveries by webhook.
    pub pending_by_webhook: std::collections::BTreeMap<String, u64>,
}

/// Where the inbox keeps deliveries. Every method is atomic on its own;
/// the worker is the only caller of `claim`, `delivered`, `retry`, `dead`,
/// `release` and `touch` in a process.
pub trait Store: fmt::Debug + Send + Sync {
    /// Writes a delivery durably, or reports a duplicate id (per webhook)
    /// whose marker has not expired.
    fn persist(
        &self,
        delivery: NewDelivery,
        now_ms: u64,
    ) -> BoxFuture<'_, Result<Persisted, StoreError>>;

    /// Up to `max` deliveries due at `now_ms` for this process to attempt,
    /// in acceptance order per webhook, none of a webhook in `busy` when
    /// the store can tell (SQLite: the head of each idle webhook's queue).
    fn claim<'a>(
        &'a self,
        max: usize,
        busy: &'a HashSet<String>,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<Vec<Delivery>, StoreError>>;

    /// Keeps claims alive that are held longer than the visibility
    /// timeout would allow (Redis); nothing elsewhere.
    fn touch<'a>(&'a self, _held: &'a [&'a Delivery]) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// The upstream took it.
    fn delivered<'a>(
        &'a self,
        delivery: &'a Delivery,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Failed; try again at `at_ms`.
    fn retry<'a>(
        &'a self,
        delivery: &'a Delivery,
        at_ms: u64,
        error: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Failed for the last time: a dead letter.
    fn dead<'a>(
        &'a self,
        delivery: &'a Delivery,
        error: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Not attempted after all (shutdown): available again at once, no
    /// attempt counted.
    fn release<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The dead letters, oldest first.
    fn dead_letters(&self, limit: usize) -> BoxFuture<'_, Result<Vec<DeadLetter>, StoreError>>;

    /// Moves one dead letter back to pending with a fresh budget.
    fn redeliver<'a>(
        &'a self,
        webhook: &'a str,
        id: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Moves every dead letter back to pending.
    fn redeliver_all(&self, now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// The queue at a glance.
    fn summary(&self, now_ms: u64) -> BoxFuture<'_, Result<Summary, StoreError>>;

    /// Drops delivered records whose duplicate marker expired; how many.
    fn purge(&self, now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>>;
}
