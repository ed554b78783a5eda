//! The delivery worker: claims persisted deliveries, sends each to
//! `UPSTREAM_URL/webhooks/{name}`, and records the outcome.
//!
//! - **At least once.** A delivery leaves the queue only after the
//!   upstream answered 2xx; a crash before that leaves it pending, and it
//!   is sent again. Its id goes out as `Idempotency-Key` (and, when it is
//!   the verified Standard Webhooks id, as `webhook-id` with the verified
//!   `webhook-timestamp`), so the upstream can drop the second copy.
//! - **Order.** One delivery per webhook is in flight at a time, taken in
//!   the order received: with SQLite a webhook's deliveries reach the
//!   upstream in order (a failing one holds the ones behind it until it is
//!   delivered or dead-lettered); with Redis the same holds within one
//!   replica's claims, and a retried delivery goes behind later ones.
//! - **Retries.** Exponential backoff with jitter (`backon`) between
//!   `retry_min` and `retry_max`; after `max_attempts` attempts, or once
//!   the delivery is older than `max_age`, it becomes a dead letter that an
//!   owner can redeliver.
//! - **Bounded.** At most `concurrency` deliveries are held at once.
//! - **A store that cannot record.** When an outcome cannot be written (a
//!   full disk, Redis refusing writes), the delivery is still pending in
//!   the store, and would be claimed and sent again at once, in a loop:
//!   its webhook cools down instead, neither claimed nor started for a
//!   while that doubles from [`STORE_COOLDOWN_MIN`] to
//!   [`STORE_COOLDOWN_MAX`] while writes keep failing, so the upstream
//!   gets the delivery again (at least once) at that pace, and the log one
//!   error each time.
//! - **Shutdown.** [`WorkerHandle::shutdown`] stops claiming, gives what is
//!   in flight `shutdown_grace` to finish, then releases the rest (back to
//!   the queue, no attempt counted).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use backon::BackoffBuilder as _;
use http::header::{self, HeaderName, HeaderValue};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use super::metrics::{Outcome, Outcomes};
use super::now_ms;
use super::store::{Delivery, Store};
use crate::forward::{Upstream, X_WEBHOOK_VERIFIED};
use crate::observe::{
    INBOX_DEAD_LETTERED, INBOX_DELIVERED, INBOX_IN_FLIGHT, INBOX_OLDEST_PENDING_AGE, INBOX_PENDING,
    INBOX_RETRIED, UPSTREAM_DURATION, UPSTREAM_ERRORS,
};
use crate::request_id::X_REQUEST_ID;

/// The header the delivery id goes out in.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Which attempt this is (1 for the first).
pub const X_WEBHOOK_ATTEMPT: HeaderName = HeaderName::from_static("x-webhook-attempt");

/// The first pause of a webhook whose outcome the store could not record.
pub const STORE_COOLDOWN_MIN: Duration = Duration::from_secs(1);
/// The longest such pause.
pub const STORE_COOLDOWN_MAX: Duration = Duration::from_secs(60);

/// How the worker delivers.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Deliveries held at once (in flight, or claimed and waiting for their
    /// webhook's previous one).
    pub concurrency: usize,
    /// Attempts before a delivery becomes a dead letter.
    pub max_attempts: u32,
    /// Age (since receipt) after which a failed delivery becomes a dead
    /// letter.
    pub max_age: Duration,
    /// The first retry delay.
    pub retry_min: Duration,
    /// The longest retry delay (before jitter, which adds up to as much
    /// again).
    pub retry_max: Duration,
    /// How often the store is polled when nothing woke the worker (other
    /// replicas' deliveries, retries coming due).
    pub poll: Duration,
    /// How often held deliveries are touched (Redis visibility); a third
    /// of the visibility timeout.
    pub touch_every: Duration,
    /// How long in-flight deliveries may finish on shutdown.
    pub shutdown_grace: Duration,
    /// Where outcomes are counted for `/api/observability`.
    pub outcomes: Option<Arc<Outcomes>>,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            max_attempts: 12,
            max_age: Duration::from_secs(3 * 24 * 3600),
            retry_min: Duration::from_secs(1),
            retry_max: Duration::from_secs(600),
            poll: Duration::from_millis(500),
            touch_every: Duration::from_secs(20),
            shutdown_grace: Duration::from_secs(10),
            outcomes: None,
        }
    }
}

impl WorkerOptions {
    /// The delay before attempt `failed + 1`, after `failed` failures
    /// (at least 1): exponential from `retry_min` by 2, capped at
    /// `retry_max`, plus up to as much again of jitter.
    pub fn backoff(&self, failed: u32) -> Duration {
        let n = failed.max(1) as usize;
        backon::ExponentialBuilder::default()
            .with_min_delay(self.retry_min)
            .with_max_delay(self.retry_max)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(n)
            .build()
            .nth(n - 1)
            .unwrap_or(self.retry_max)
    }
}

/// Counts the worker keeps (also exported as metrics).
#[derive(Debug, Default)]
pub struct WorkerStats {
    /// Delivered (2xx).
    pub delivered: AtomicU64,
    /// Failed attempts rescheduled.
    pub retried: AtomicU64,
    /// Dead-lettered.
    pub dead_lettered: AtomicU64,
    /// Held right now.
    pub in_flight: AtomicU64,
}

/// The running worker.
#[derive(Debug)]
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    stats: Arc<WorkerStats>,
}

impl WorkerHandle {
    /// Its counts.
    pub fn stats(&self) -> &Arc<WorkerStats> {
        &self.stats
    }

    /// Stops claiming, lets in-flight deliveries finish within the grace,
    /// releases the rest, and returns once the worker is gone.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        // Dropped without `shutdown`: stop at once. What was in flight is
        // still pending in the store and will be sent again.
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Sends deliveries to the upstream over HTTP.
#[derive(Debug, Clone)]
pub struct HttpTarget {
    upstream: Arc<Upstream>,
}

impl HttpTarget {
    /// A target for `upstream`.
    pub fn new(upstream: Arc<Upstream>) -> Self {
        Self { upstream }
    }

    /// One attempt: Ok on 2xx, else a short reason (`status 503`,
    /// `timeout`, `connect`).
    pub async fn send(&self, d: &Delivery) -> Result<(), String> {
        let mut headers = http::HeaderMap::new();
        let mut set = |name: HeaderName, value: &str| {
            if let Ok(v) = HeaderValue::try_from(value) {
                headers.insert(name, v);
            }
        };
        set(X_WEBHOOK_VERIFIED, if d.signed { "true" } else { "false" });
        set(X_WEBHOOK_ATTEMPT, &d.attempts.saturating_add(1).to_string());
        set(X_REQUEST_ID, &d.request_id);
        set(IDEMPOTENCY_KEY, &d.id);
        if let Some(ct) = &d.content_type {
            set(header::CONTENT_TYPE, ct);
        }
        // Only what was verified goes out as Standard Webhooks headers.
        if d.id_verified {
            set(HeaderName::from_static("webhook-id"), &d.id);
            if let Some(ts) = d.timestamp {
                set(
                    HeaderName::from_static("webhook-timestamp"),
                    &ts.to_string(),
                );
            }
        }
        let request = self
            .upstream
            .client()
            .post(self.upstream.webhook_url(&d.webhook))
            .headers(headers);
        let started = Instant::now();
        let outcome = request.body(d.body.clone()).send().await;
        ::metrics::histogram!(UPSTREAM_DURATION, "kind" => "webhook")
            .record(started.elapsed().as_secs_f64());
        let reason = match outcome {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(response) => {
                ::metrics::counter!(UPSTREAM_ERRORS, "kind" => "webhook", "reason" => "status")
                    .increment(1);
                format!("status {}", response.status().as_u16())
            }
            Err(e) => {
                let reason = if e.is_timeout() { "timeout" } else { "connect" };
                ::metrics::counter!(UPSTREAM_ERRORS, "kind" => "webhook", "reason" => reason)
                    .increment(1);
                reason.to_owned()
            }
        };
        Err(reason)
    }
}

/// Starts the worker.
pub(crate) fn start(
    store: Arc<dyn Store>,
    wake: Arc<Notify>,
    target: HttpTarget,
    options: WorkerOptions,
) -> WorkerHandle {
    let (stop, stopped) = watch::channel(false);
    let stats = Arc::new(WorkerStats::default());
    let worker = Worker {
        store,
        wake,
        target,
        options,
        stats: Arc::clone(&stats),
        busy: HashSet::new(),
        queued: HashMap::new(),
        in_flight: HashMap::new(),
        tasks: JoinSet::new(),
        cooling: HashMap::new(),
        next_retry_ms: None,
    };
    let task = tokio::spawn(worker.run(stopped));
    WorkerHandle {
        stop,
        task: Some(task),
        stats,
    }
}

struct Worker {
    store: Arc<dyn Store>,
    wake: Arc<Notify>,
    target: HttpTarget,
    options: WorkerOptions,
    stats: Arc<WorkerStats>,
    /// Webhooks with a delivery in flight.
    busy: HashSet<String>,
    /// Claimed deliveries waiting for their webhook's previous one (Redis
    /// hands out entries without knowing which webhooks are busy).
    queued: HashMap<String, VecDeque<Delivery>>,
    in_flight: HashMap<tokio::task::Id, Delivery>,
    tasks: JoinSet<Result<(), String>>,
    /// Webhooks whose last outcome the store could not record: not
    /// claimed nor started until the instant, and the pause after it.
    cooling: HashMap<String, Cooling>,
    /// When the earliest retry this worker scheduled comes due (ms since
    /// the epoch), so it wakes then and not at the next poll: retries were
    /// up to a poll late (an outside review saw 267 ms become 503).
    next_retry_ms: Option<u64>,
}

/// A webhook paused because the store could not record its outcome.
#[derive(Debug, Clone, Copy)]
struct Cooling {
    until: Instant,
    pause: Duration,
}

impl Worker {
    fn held(&self) -> usize {
        self.in_flight.len() + self.queued.values().map(VecDeque::len).sum::<usize>()
    }

    /// Whether this worker already holds `d` (the same webhook and id):
    /// a store can hand a delivery out again while it is held (a Redis
    /// consumer group made anew reads its stream from the start).
    fn holds(&self, d: &Delivery) -> bool {
        self.in_flight
            .values()
            .chain(self.queued.values().flatten())
            .any(|held| held.webhook == d.webhook && held.id == d.id)
    }

    fn start(&mut self, d: Delivery) {
        self.busy.insert(d.webhook.clone());
        let target = self.target.clone();
        let sent = d.clone();
        let handle = self.tasks.spawn(async move { target.send(&sent).await });
        self.in_flight.insert(handle.id(), d);
        self.gauge_in_flight();
    }

    fn gauge_in_flight(&self) {
        let n = self.held() as u64;
        self.stats.in_flight.store(n, Ordering::Relaxed);
        ::metrics::gauge!(INBOX_IN_FLIGHT).set(n as f64);
    }

    fn count(&self, outcome: Outcome, webhook: &str) {
        if let Some(o) = &self.options.outcomes {
            o.record(outcome);
        }
        let (name, stat) = match outcome {
            Outcome::Delivered => (INBOX_DELIVERED, &self.stats.delivered),
            Outcome::Retried => (INBOX_RETRIED, &self.stats.retried),
            Outcome::DeadLettered => (INBOX_DEAD_LETTERED, &self.stats.dead_lettered),
            _ => return,
        };
        stat.fetch_add(1, Ordering::Relaxed);
        ::metrics::counter!(name, "name" => webhook.to_owned()).increment(1);
    }

    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut last_touch = Instant::now();
        let mut last_gauges: Option<Instant> = None;
        let mut last_purge = Instant::now();
        let mut store_down = false;
        loop {
            if *stop.borrow() {
                break;
            }
            self.resume_cooled();
            // The retry that woke the worker is claimed now, if it can be.
            if self.next_retry_ms.is_some_and(|due| due <= now_ms()) {
                self.next_retry_ms = None;
            }
            let room = self.options.concurrency.saturating_sub(self.held());
            if room > 0 {
                let cooling: HashSet<String>;
                let exclude = if self.cooling.is_empty() {
                    &self.busy
                } else {
                    let now = Instant::now();
                    cooling = self
                        .cooling
                        .iter()
                        .filter(|(_, c)| c.until > now)
                        .map(|(webhook, _)| webhook)
                        .chain(&self.busy)
                        .cloned()
                        .collect();
                    &cooling
                };
                match self.store.claim(room, exclude, now_ms()).await {
                    Ok(claimed) => {
                        store_down = false;
                        for d in claimed {
                            if self.holds(&d) {
                                // Sent once; its outcome settles both.
                                continue;
                            }
                            if self.busy.contains(&d.webhook) || self.is_cooling(&d.webhook) {
                                self.queued
                                    .entry(d.webhook.clone())
                                    .or_default()
                                    .push_back(d);
                            } else {
                                self.start(d);
                            }
                        }
                        self.gauge_in_flight();
                    }
                    Err(e) => {
                        if !store_down {
                            tracing::error!(error = %e, "webhook inbox: cannot claim deliveries; retrying");
                        }
                        store_down = true;
                    }
                }
            }
            if last_touch.elapsed() >= self.options.touch_every {
                last_touch = Instant::now();
                let held: Vec<&Delivery> = self
                    .in_flight
                    .values()
                    .chain(self.queued.values().flatten())
                    .collect();
                if let Err(e) = self.store.touch(&held).await {
                    tracing::warn!(error = %e, "webhook inbox: cannot keep claims alive");
                }
            }
            if last_gauges.is_none_or(|t| t.elapsed() >= Duration::from_secs(2)) {
                last_gauges = Some(Instant::now());
                if let Ok(summary) = self.store.summary(now_ms()).await {
                    ::metrics::gauge!(INBOX_PENDING).set(summary.pending as f64);
                    ::metrics::gauge!(INBOX_OLDEST_PENDING_AGE)
                        .set(summary.oldest_pending_age_secs);
                }
            }
            if last_purge.elapsed() >= Duration::from_secs(60) {
                last_purge = Instant::now();
                if let Err(e) = self.store.purge(now_ms()).await {
                    tracing::warn!(error = %e, "webhook inbox: purge failed");
                }
            }
            let wait = if store_down {
                self.options.poll.max(Duration::from_secs(1))
            } else {
                match self.next_retry_ms {
                    Some(due) => self
                        .options
                        .poll
                        .min(Duration::from_millis(due.saturating_sub(now_ms()))),
                    None => self.options.poll,
                }
            };
            tokio::select! {
                Some(joined) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.finished(joined).await;
                }
                () = self.wake.notified(), if !store_down => {}
                () = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
        }
        self.drain().await;
    }

    async fn finished(
        &mut self,
        joined: Result<(tokio::task::Id, Result<(), String>), tokio::task::JoinError>,
    ) {
        let (id, result) = match joined {
            Ok((id, result)) => (id, result),
            Err(e) => (e.id(), Err("worker task failed".to_owned())),
        };
        let Some(d) = self.in_flight.remove(&id) else {
            return;
        };
        self.busy.remove(&d.webhook);
        if self.record(&d, result).await {
            self.cooling.remove(&d.webhook);
        } else {
            self.cool(&d.webhook);
            // What was claimed behind it waits for the pause to end.
            self.gauge_in_flight();
            return;
        }
        if let Some(next) = self
            .queued
            .get_mut(&d.webhook)
            .and_then(VecDeque::pop_front)
        {
            self.start(next);
        }
        self.queued.retain(|_, q| !q.is_empty());
        self.gauge_in_flight();
    }

    /// Pauses `webhook` after its outcome could not be recorded: twice the
    /// last pause (the first: [`STORE_COOLDOWN_MIN`]), at most
    /// [`STORE_COOLDOWN_MAX`].
    fn cool(&mut self, webhook: &str) {
        let pause = self.cooling.get(webhook).map_or(STORE_COOLDOWN_MIN, |c| {
            (c.pause * 2).min(STORE_COOLDOWN_MAX)
        });
        tracing::warn!(
            webhook,
            pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            "webhook inbox: the store could not record an outcome; this webhook pauses"
        );
        self.cooling.insert(
            webhook.to_owned(),
            Cooling {
                until: Instant::now() + pause,
                pause,
            },
        );
    }

    /// Starts what waited behind a webhook whose pause is over (its entry
    /// stays, with its pause, until an outcome is recorded).
    fn resume_cooled(&mut self) {
        let now = Instant::now();
        let over: Vec<String> = self
            .cooling
            .iter()
            .filter(|(webhook, c)| c.until <= now && !self.busy.contains(*webhook))
            .map(|(webhook, _)| webhook.clone())
            .collect();
        for webhook in over {
            if let Some(next) = self.queued.get_mut(&webhook).and_then(VecDeque::pop_front) {
                self.start(next);
            }
        }
        self.queued.retain(|_, q| !q.is_empty());
    }

    /// Whether `webhook` is paused now.
    fn is_cooling(&self, webhook: &str) -> bool {
        self.cooling
            .get(webhook)
            .is_some_and(|c| c.until > Instant::now())
    }

    /// Records the outcome of `d` in the store; false when the store could
    /// not (the delivery is then still pending there).
    async fn record(&mut self, d: &Delivery, result: Result<(), String>) -> bool {
        let now = now_ms();
        let attempt = d.attempts.saturating_add(1);
        match result {
            Ok(()) => {
                tracing::info!(
                    webhook = %d.webhook,
                    delivery_id = %d.id,
                    request_id = %d.request_id,
                    attempt,
                    "webhook delivered"
                );
                self.count(Outcome::Delivered, &d.webhook);
                if let Err(e) = self.store.delivered(d, now).await {
                    // Still pending in the store: it will be sent again
                    // (at least once, after a pause), and the upstream
                    // dedupes by id.
                    tracing::error!(webhook = %d.webhook, delivery_id = %d.id, error = %e, "webhook delivered but not marked so");
                    return false;
                }
                true
            }
            Err(reason) => {
                let age = Duration::from_millis(now.saturating_sub(d.received_at_ms));
                if attempt >= self.options.max_attempts || age >= self.options.max_age {
                    tracing::error!(
                        webhook = %d.webhook,
                        delivery_id = %d.id,
                        request_id = %d.request_id,
                        attempt,
                        reason = %reason,
                        "webhook dead-lettered: retry budget spent"
                    );
                    self.count(Outcome::DeadLettered, &d.webhook);
                    if let Err(e) = self.store.dead(d, &reason, now).await {
                        tracing::error!(webhook = %d.webhook, delivery_id = %d.id, error = %e, "cannot dead-letter");
                        return false;
                    }
                    true
                } else {
                    let delay = self.options.backoff(attempt);
                    tracing::warn!(
                        webhook = %d.webhook,
                        delivery_id = %d.id,
                        request_id = %d.request_id,
                        attempt,
                        reason = %reason,
                        retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "webhook delivery failed; will retry"
                    );
                    let at =
                        now.saturating_add(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
                    self.count(Outcome::Retried, &d.webhook);
                    if let Err(e) = self.store.retry(d, at, &reason).await {
                        tracing::error!(webhook = %d.webhook, delivery_id = %d.id, error = %e, "cannot schedule a retry");
                        return false;
                    }
                    self.next_retry_ms = Some(self.next_retry_ms.map_or(at, |due| due.min(at)));
                    true
                }
            }
        }
    }

    /// Shutdown: in-flight deliveries get the grace to finish; the rest are
    /// released.
    async fn drain(&mut self) {
        let grace = self.options.shutdown_grace;
        let deadline = tokio::time::Instant::now() + grace;
        while !self.tasks.is_empty() {
            match tokio::time::timeout_at(deadline, self.tasks.join_next_with_id()).await {
                Ok(Some(joined)) => {
                    let (id, result) = match joined {
                        Ok((id, result)) => (id, result),
                        Err(e) => (e.id(), Err("worker task failed".to_owned())),
                    };
                    if let Some(d) = self.in_flight.remove(&id) {
                        self.record(&d, result).await;
                    }
                }
                Ok(None) | Err(_) => break,
            }
        }
        self.tasks.abort_all();
        let left: Vec<Delivery> = self
            .in_flight
            .drain()
            .map(|(_, d)| d)
            .chain(self.queued.drain().flat_map(|(_, q)| q))
            .collect();
        for d in &left {
            if let Err(e) = self.store.release(d).await {
                tracing::warn!(webhook = %d.webhook, delivery_id = %d.id, error = %e, "cannot release a delivery on shutdown; it is taken over after the visibility timeout");
            }
        }
        if !left.is_empty() {
            tracing::info!(
                released = left.len(),
                "webhook inbox: released unfinished deliveries on shutdown"
            );
        }
        self.gauge_in_flight();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicBool;
    use std::time::SystemTime;

    use bytes::Bytes;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpListener;

    use super::*;
    use crate::inbox::sqlite::SqliteStore;
    use crate::inbox::store::{BoxFuture, DeadLetter, StoreError, Summary};
    use crate::inbox::{NewDelivery, Persisted};

    /// The real SQLite store, whose writes of an outcome fail while
    /// `failing` is set (as on a full disk, where reads still work).
    #[derive(Debug)]
    struct Unrecordable {
        inner: SqliteStore,
        failing: AtomicBool,
    }

    impl Unrecordable {
        fn refused(&self) -> Option<StoreError> {
            self.failing
                .load(Ordering::SeqCst)
                .then(|| StoreError::Failed("database or disk is full".to_owned()))
        }
    }

    impl Store for Unrecordable {
        fn persist(
            &self,
            delivery: NewDelivery,
            now_ms: u64,
        ) -> BoxFuture<'_, Result<Persisted, StoreError>> {
            self.inner.persist(delivery, now_ms)
        }
        fn claim<'a>(
            &'a self,
            max: usize,
            busy: &'a HashSet<String>,
            now_ms: u64,
        ) -> BoxFuture<'a, Result<Vec<Delivery>, StoreError>> {
            self.inner.claim(max, busy, now_ms)
        }
        fn delivered<'a>(
            &'a self,
            delivery: &'a Delivery,
            now_ms: u64,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            match self.refused() {
                Some(e) => Box::pin(std::future::ready(Err(e))),
                None => self.inner.delivered(delivery, now_ms),
            }
        }
        fn retry<'a>(
            &'a self,
            delivery: &'a Delivery,
            at_ms: u64,
            error: &'a str,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            match self.refused() {
                Some(e) => Box::pin(std::future::ready(Err(e))),
                None => self.inner.retry(delivery, at_ms, error),
            }
        }
        fn dead<'a>(
            &'a self,
            delivery: &'a Delivery,
            error: &'a str,
            now_ms: u64,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            match self.refused() {
                Some(e) => Box::pin(std::future::ready(Err(e))),
                None => self.inner.dead(delivery, error, now_ms),
            }
        }
        fn release<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, Result<(), StoreError>> {
            self.inner.release(delivery)
        }
        fn dead_letters(&self, limit: usize) -> BoxFuture<'_, Result<Vec<DeadLetter>, StoreError>> {
            self.inner.dead_letters(limit)
        }
        fn redeliver<'a>(
            &'a self,
            webhook: &'a str,
            id: &'a str,
            now_ms: u64,
        ) -> BoxFuture<'a, Result<bool, StoreError>> {
            self.inner.redeliver(webhook, id, now_ms)
        }
        fn redeliver_all(&self, now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>> {
            self.inner.redeliver_all(now_ms)
        }
        fn summary(&self, now_ms: u64) -> BoxFuture<'_, Result<Summary, StoreError>> {
            self.inner.summary(now_ms)
        }
        fn purge(&self, now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>> {
            self.inner.purge(now_ms)
        }
    }

    /// A signed `gdpr-erasure` delivery with the verified id `id`.
    fn erasure(id: &str) -> NewDelivery {
        NewDelivery::new(
            "gdpr-erasure",
            Bytes::from_static(b"{}"),
            "req",
            SystemTime::now(),
        )
        .signed(true)
        .verified_id(id, now_ms() / 1000)
    }

    /// A worker over `store` that sends to the upstream at `url`.
    fn sending_to(url: &str, store: Arc<dyn Store>, options: WorkerOptions) -> WorkerHandle {
        let upstream = Arc::new(Upstream::new(url, Duration::from_secs(5)).expect("upstream"));
        start(
            store,
            Arc::new(Notify::new()),
            HttpTarget::new(upstream),
            options,
        )
    }

    /// An upstream answering 204 to every request, counting them by
    /// `Idempotency-Key`.
    async fn counting_upstream() -> (String, Arc<Mutex<HashMap<String, usize>>>) {
        counting_upstream_after(Duration::ZERO).await
    }

    /// The same, answering each request `delay` after it came.
    async fn counting_upstream_after(
        delay: Duration,
    ) -> (String, Arc<Mutex<HashMap<String, usize>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let counts = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let counts = Arc::clone(&counts);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        // One request at a time: its head, then its body
                        // by Content-Length.
                        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                            match stream.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                            continue;
                        };
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let field = |name: &str| {
                            head.lines()
                                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
                        };
                        let length: usize = field("content-length:")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        while buf.len() < end + 4 + length {
                            match stream.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let key = field("idempotency-key:").unwrap_or_default();
                        *counts.lock().expect("counts").entry(key).or_insert(0) += 1;
                        buf.drain(..end + 4 + length);
                        tokio::time::sleep(delay).await;
                        if stream
                            .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        (format!("http://{addr}"), seen)
    }

    /// Finding of an outside review: a retry waited for the worker's next
    /// poll after its time had come (267 ms became 503 with the default
    /// 500 ms poll). The worker now wakes when the earliest retry it
    /// scheduled comes due: here 200–400 ms, with a poll of 3 s.
    #[tokio::test]
    async fn a_retry_goes_when_it_is_due_not_at_the_next_poll() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let attempts = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&attempts);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut head = vec![0u8; 8192];
                let _ = stream.read(&mut head).await;
                let n = {
                    let mut seen = seen.lock().expect("attempts");
                    seen.push(Instant::now());
                    seen.len()
                };
                let answer: &[u8] = if n == 1 {
                    b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                } else {
                    b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"
                };
                let _ = stream.write_all(answer).await;
            }
        });
        let store = Arc::new(SqliteStore::memory(100).expect("store"));
        store
            .persist(erasure("retried"), now_ms())
            .await
            .expect("persisted");
        let worker = sending_to(
            &url,
            Arc::clone(&store) as Arc<dyn Store>,
            WorkerOptions {
                poll: Duration::from_secs(3),
                retry_min: Duration::from_millis(200),
                retry_max: Duration::from_millis(200),
                ..WorkerOptions::default()
            },
        );
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let attempts = attempts.lock().expect("attempts").clone();
        assert_eq!(attempts.len(), 2, "a failure, then the retry");
        let gap = attempts[1] - attempts[0];
        assert!(
            gap < Duration::from_millis(1500),
            "the retry came {gap:?} later"
        );
        let summary = store.summary(now_ms()).await.expect("summary");
        assert_eq!(summary.pending, 0, "{summary:?}");
        worker.shutdown().await;
    }

    /// Finding of an outside review: on a full disk, a delivered webhook
    /// whose outcome could not be written was claimed and sent again at
    /// once, thousands of times a second, and the webhook's later
    /// deliveries waited behind it for ever. Now the webhook pauses
    /// (1 s, then 2 s, ...), and all is delivered once the store records
    /// again.
    #[tokio::test]
    async fn a_store_that_cannot_record_pauses_the_webhook() {
        let store = Arc::new(Unrecordable {
            inner: SqliteStore::memory(100).expect("store"),
            failing: AtomicBool::new(true),
        });
        for id in ["first", "second"] {
            store
                .persist(erasure(id), now_ms())
                .await
                .expect("persisted");
        }
        let (url, seen) = counting_upstream().await;
        let worker = sending_to(
            &url,
            Arc::clone(&store) as Arc<dyn Store>,
            WorkerOptions {
                poll: Duration::from_millis(20),
                ..WorkerOptions::default()
            },
        );
        let count = |id: &str| seen.lock().expect("counts").get(id).copied().unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(3500)).await;
        // Sent at once, after the first pause (1 s) and the second (2 s):
        // not a loop.
        let sent = count("first");
        assert!(
            (2..=3).contains(&sent),
            "the first delivery was sent {sent} times in 3.5 s"
        );
        assert_eq!(
            count("second"),
            0,
            "the second went before the first was recorded"
        );
        store.failing.store(false, Ordering::SeqCst);
        // The next try (after a 4 s pause) records it; the second follows.
        tokio::time::sleep(Duration::from_millis(5000)).await;
        assert_eq!(count("first"), sent + 1);
        assert_eq!(count("second"), 1);
        let summary = store.summary(now_ms()).await.expect("summary");
        assert_eq!(summary.pending, 0, "{summary:?}");
        worker.shutdown().await;
    }

    /// Finding of a third outside review: after `XGROUP DESTROY` the
    /// group is made anew and reads the stream from its start, handing
    /// out again the deliveries this worker held (claimed, waiting behind
    /// the one in flight); three of four reached the upstream twice. A
    /// delivery the worker holds is sent once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_delivery_handed_out_again_while_held_is_sent_once() {
        use crate::inbox::redis::{RedisOptions, RedisStore};
        let Some(server) = alphaguard_test_support::RedisServer::start() else {
            return;
        };
        let options = RedisOptions {
            prefix: "{held}:".to_owned(),
            visibility: Duration::from_secs(60),
            consumer: Some("h".to_owned()),
        };
        let store = Arc::new(
            RedisStore::connect(&server.url(), options, 100)
                .await
                .expect("store"),
        );
        let ids = ["one", "two", "three", "four"];
        for id in ids {
            store
                .persist(erasure(id), now_ms())
                .await
                .expect("persisted");
        }
        let (url, seen) = counting_upstream_after(Duration::from_millis(400)).await;
        let worker = sending_to(
            &url,
            Arc::clone(&store) as Arc<dyn Store>,
            WorkerOptions {
                poll: Duration::from_millis(20),
                concurrency: 4,
                ..WorkerOptions::default()
            },
        );
        // One in flight, three held behind it; then the group goes.
        tokio::time::sleep(Duration::from_millis(150)).await;
        server.command(&["XGROUP", "DESTROY", "{held}:stream", "alphaguard"]);
        tokio::time::sleep(Duration::from_millis(3500)).await;
        let counts = seen.lock().expect("counts").clone();
        for id in ids {
            assert_eq!(counts.get(id).copied(), Some(1), "{id}: {counts:?}");
        }
        let summary = store.summary(now_ms()).await.expect("summary");
        assert_eq!(summary.pending, 0, "{summary:?}");
        worker.shutdown().await;
    }
}
