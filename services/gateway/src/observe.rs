//! Observability: Prometheus metrics and the rolling window behind
//! `GET /api/observability`.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::webhooks::WEBHOOKS as DEFAULT_WEBHOOKS;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serde_json::{Map, Value, json};

/// The default rolling window.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// Slots the window is cut into; a slot's counts leave the view whole.
const SLOTS: usize = 60;

/// Latency bins: four per octave of microseconds, up to 2^24 µs (16.8 s);
/// slower requests land in the last bin.
const BINS: usize = 96;

/// What a request was, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteClass {
    /// `/health`, `/metrics`.
    Probe,
    /// `/api/observability` (not counted under `api`).
    Observability,
    /// Any other `/api/...`.
    Api,
    /// `/webhooks/{name}` of a known webhook (index into
    /// [`DEFAULT_WEBHOOKS`]).
    Webhook(usize),
    /// Anything else (unknown paths, unknown webhooks).
    Other,
}

impl RouteClass {
    /// The `class` label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Probe => "probe",
            Self::Observability => "observability",
            Self::Api => "api",
            Self::Webhook(_) => "webhook",
            Self::Other => "other",
        }
    }
}

fn bin(latency: Duration) -> usize {
    let us = u64::try_from(latency.as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    let octave = 63 - us.leading_zeros() as usize;
    // The two bits after the leading one pick the quarter of the octave.
    let quarter = if octave >= 2 {
        ((us >> (octave - 2)) & 3) as usize
    } else {
        ((us << (2 - octave)) & 3) as usize
    };
    (octave * 4 + quarter).min(BINS - 1)
}

/// The middle of a bin, in milliseconds.
fn bin_ms(index: usize) -> f64 {
    let octave = index / 4;
    let quarter = (index % 4) as f64;
    let low = (1u64 << octave) as f64 * (1.0 + quarter / 4.0);
    let high = (1u64 << octave) as f64 * (1.0 + (quarter + 1.0) / 4.0);
    (low + high) / 2.0 / 1000.0
}

#[derive(Clone, Copy)]
struct Stats {
    requests: u64,
    by_class: [u64; 4],
    latency: [u32; BINS],
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            requests: 0,
            by_class: [0; 4],
            latency: [0; BINS],
        }
    }
}

impl Stats {
    fn add(&mut self, status: u16, bin: usize) {
        self.requests += 1;
        if let Some(class) = (status / 100).checked_sub(2).filter(|c| *c < 4) {
            self.by_class[class as usize] += 1;
        }
        self.latency[bin] = self.latency[bin].saturating_add(1);
    }

    fn merge(&mut self, other: &Stats) {
        self.requests += other.requests;
        for (a, b) in self.by_class.iter_mut().zip(other.by_class) {
            *a += b;
        }
        for (a, b) in self.latency.iter_mut().zip(other.latency) {
            *a = a.saturating_add(b);
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        let total: u64 = self.latency.iter().map(|&n| u64::from(n)).sum();
        if total == 0 {
            return 0.0;
        }
        let rank = ((p * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &n) in self.latency.iter().enumerate() {
            seen += u64::from(n);
            if seen >= rank {
                return (bin_ms(i) * 1000.0).round() / 1000.0;
            }
        }
        bin_ms(BINS - 1)
    }

    fn json(&self) -> Value {
        // Success: a status below 400 (1xx, 2xx, 3xx).
        let failures = self.by_class[2] + self.by_class[3];
        let success_rate = if self.requests == 0 {
            1.0
        } else {
            self.requests.saturating_sub(failures) as f64 / self.requests as f64
        };
        json!({
            "requests": self.requests,
            "success_rate": (success_rate * 10_000.0).round() / 10_000.0,
            "by_status_class": {
                "2xx": self.by_class[0],
                "3xx": self.by_class[1],
                "4xx": self.by_class[2],
                "5xx": self.by_class[3],
            },
            "latency_ms": {
                "p50": self.percentile(0.50),
                "p95": self.percentile(0.95),
                "p99": self.percentile(0.99),
            }
        })
    }
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// Which slot period this holds; stale slots are cleared on reuse.
    epoch: u64,
    api: Stats,
    webhooks: Stats,
    by_name: [Stats; DEFAULT_WEBHOOKS.len()],
}

/// Request counts and latencies over a rolling window, in a fixed number
/// of slots (60, so 5 s each for the default 300 s): memory does not grow
/// with traffic, and a slot leaves the view whole once it is older than
/// the window.
#[derive(Debug)]
pub struct Rolling {
    window: Duration,
    slot: Duration,
    started: Instant,
    slots: Mutex<Box<[Slot; SLOTS]>>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot").field("epoch", &self.epoch).finish()
    }
}

impl Rolling {
    /// A window of `window` (at least one second per slot).
    pub fn new(window: Duration) -> Self {
        let window = window.max(Duration::from_secs(SLOTS as u64));
        Self {
            window,
            slot: window / SLOTS as u32,
            started: Instant::now(),
            slots: Mutex::new(Box::new([Slot::default(); SLOTS])),
        }
    }

    /// The window's length.
    pub fn window(&self) -> Duration {
        self.window
    }

    fn epoch(&self, now: Instant) -> u64 {
        // Epoch 0 is never used, so a fresh slot is never mistaken for a
        // current one.
        (now.duration_since(self.started).as_nanos() / self.slot.as_nanos()) as u64 + 1
    }

    /// Counts one request.
    pub fn record(&self, class: RouteClass, status: u16, latency: Duration) {
        let bin = bin(latency);
        let epoch = self.epoch(Instant::now());
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = &mut slots[(epoch % SLOTS as u64) as usize];
        if slot.epoch != epoch {
            *slot = Slot {
                epoch,
                ..Slot::default()
            };
        }
        match class {
            RouteClass::Api => slot.api.add(status, bin),
            RouteClass::Webhook(i) => {
                slot.webhooks.add(status, bin);
                if let Some(s) = slot.by_name.get_mut(i) {
                    s.add(status, bin);
                }
            }
            RouteClass::Probe | RouteClass::Observability | RouteClass::Other => {}
        }
    }

    /// The `/api/observability` document.
    pub fn snapshot(&self) -> Value {
        let now = self.epoch(Instant::now());
        let mut api = Stats::default();
        let mut webhooks = Stats::default();
        let mut by_name = [Stats::default(); DEFAULT_WEBHOOKS.len()];
        {
            let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            for slot in slots.iter() {
                // The current slot and the SLOTS - 1 before it.
                // A slot a concurrent `record` moved into the next period
                // after `now` was read is ahead of it: skip it, never
                // subtract past zero.
                if slot.epoch == 0 || slot.epoch > now || now - slot.epoch >= SLOTS as u64 {
                    continue;
                }
                api.merge(&slot.api);
                webhooks.merge(&slot.webhooks);
                for (a, b) in by_name.iter_mut().zip(&slot.by_name) {
                    a.merge(b);
                }
            }
        }
        let mut names = Map::new();
        for (spec, stats) in DEFAULT_WEBHOOKS.iter().zip(&by_name) {
            names.insert(spec.name.to_owned(), stats.json());
        }
        let mut hooks = webhooks.json();
        if let Value::Object(map) = &mut hooks {
            map.insert("by_name".to_owned(), Value::Object(names));
        }
        json!({
            "window_seconds": self.window.as_secs(),
            "api": api.json(),
            "webhooks": hooks,
        })
    }
}

/// Latency histogram buckets, in seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The process's Prometheus recorder (installed once; later calls share
/// it, so several gateways in one test process report together).
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = builder
                .set_buckets_for_metric(
                    Matcher::Full(REQUEST_DURATION.to_owned()),
                    &LATENCY_BUCKETS,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(UPSTREAM_DURATION.to_owned()),
                        &LATENCY_BUCKETS,
                    )
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(INBOX_PERSIST_DURATION.to_owned()),
                        &LATENCY_BUCKETS,
                    )
                })
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
            }
            describe();
            handle
        })
        .clone()
}

/// `alphaguard_http_requests_total{class, status}`.
pub const REQUESTS: &str = "alphaguard_http_requests_total";
/// `alphaguard_http_request_duration_seconds{class}`.
pub const REQUEST_DURATION: &str = "alphaguard_http_request_duration_seconds";
/// `alphaguard_rate_limited_total{tier}`.
pub const RATE_LIMITED: &str = "alphaguard_rate_limited_total";
/// `alphaguard_auth_failures_total{reason}`.
pub const AUTH_FAILURES: &str = "alphaguard_auth_failures_total";
/// `alphaguard_webhook_verifications_total{name, result}`.
pub const WEBHOOK_VERIFICATIONS: &str = "alphaguard_webhook_verifications_total";
/// `alphaguard_upstream_errors_total{kind, reason}`.
pub const UPSTREAM_ERRORS: &str = "alphaguard_upstream_errors_total";
/// `alphaguard_upstream_duration_seconds{kind}`.
pub const UPSTREAM_DURATION: &str = "alphaguard_upstream_duration_seconds";
/// `alphaguard_rate_limit_evictions_total`.
pub const LIMITER_EVICTIONS: &str = "alphaguard_rate_limit_evictions_total";
/// `alphaguard_rate_limit_store_failures_total`.
pub const LIMITER_STORE_FAILURES: &str = "alphaguard_rate_limit_store_failures_total";

/// `alphaguard_webhook_inbox_pending`: deliveries waiting (in flight included).
pub const INBOX_PENDING: &str = "alphaguard_webhook_inbox_pending";
/// `alphaguard_webhook_inbox_in_flight`: deliveries this replica holds.
pub const INBOX_IN_FLIGHT: &str = "alphaguard_webhook_inbox_in_flight";
/// `alphaguard_webhook_inbox_delivered_total{name}`.
pub const INBOX_DELIVERED: &str = "alphaguard_webhook_inbox_delivered_total";
/// `alphaguard_webhook_inbox_retried_total{name}`.
pub const INBOX_RETRIED: &str = "alphaguard_webhook_inbox_retried_total";
/// `alphaguard_webhook_inbox_dead_lettered_total{name}`.
pub const INBOX_DEAD_LETTERED: &str = "alphaguard_webhook_inbox_dead_lettered_total";
/// `alphaguard_webhook_inbox_oldest_pending_age_seconds`.
pub const INBOX_OLDEST_PENDING_AGE: &str = "alphaguard_webhook_inbox_oldest_pending_age_seconds";
/// `alphaguard_webhook_inbox_persist_duration_seconds` (histogram).
pub const INBOX_PERSIST_DURATION: &str = "alphaguard_webhook_inbox_persist_duration_seconds";

/// Sets the counters the crates keep themselves (read at scrape time).
pub fn export_counters(limiter_evictions: u64, store_failures: u64) {
    metrics::counter!(LIMITER_EVICTIONS).absolute(limiter_evictions);
    metrics::counter!(LIMITER_STORE_FAILURES).absolute(store_failures);
}

fn describe() {
    metrics::describe_counter!(REQUESTS, "Requests answered, by route class and status.");
    metrics::describe_histogram!(
        REQUEST_DURATION,
        metrics::Unit::Seconds,
        "Time from the request's head to the response's head, by route class."
    );
    metrics::describe_counter!(
        RATE_LIMITED,
        "Requests refused by the rate limiter, by tier."
    );
    metrics::describe_counter!(AUTH_FAILURES, "Authentication failures, by reason.");
    metrics::describe_counter!(
        WEBHOOK_VERIFICATIONS,
        "Webhook deliveries, by webhook and result."
    );
    metrics::describe_counter!(
        UPSTREAM_ERRORS,
        "Upstream exchanges that failed, by kind (api, webhook) and reason."
    );
    metrics::describe_histogram!(
        UPSTREAM_DURATION,
        metrics::Unit::Seconds,
        "Time of upstream exchanges, by kind."
    );
    metrics::describe_gauge!(
        INBOX_PENDING,
        "Webhook deliveries persisted and not yet delivered or dead-lettered."
    );
    metrics::describe_gauge!(
        INBOX_IN_FLIGHT,
        "Webhook deliveries this replica holds (being sent, or waiting for the previous one of their webhook)."
    );
    metrics::describe_counter!(
        INBOX_DELIVERED,
        "Webhook deliveries the upstream took, by webhook."
    );
    metrics::describe_counter!(
        INBOX_RETRIED,
        "Failed delivery attempts rescheduled, by webhook."
    );
    metrics::describe_counter!(
        INBOX_DEAD_LETTERED,
        "Webhook deliveries dead-lettered after their retry budget, by webhook."
    );
    metrics::describe_gauge!(
        INBOX_OLDEST_PENDING_AGE,
        metrics::Unit::Seconds,
        "Age of the oldest pending webhook delivery."
    );
    metrics::describe_histogram!(
        INBOX_PERSIST_DURATION,
        metrics::Unit::Seconds,
        "Time to persist a webhook delivery durably (what the sender waits for)."
    );
    metrics::describe_counter!(
        LIMITER_EVICTIONS,
        "Live rate-limit states dropped to stay under RATE_LIMIT_MAX_CLIENTS."
    );
    metrics::describe_counter!(
        LIMITER_STORE_FAILURES,
        "Rate-limit checks decided by RATE_LIMIT_ON_STORE_ERROR because Redis failed."
    );
}

/// The status codes that get a cached counter handle.
const COMMON_STATUSES: [u16; 21] = [
    200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405, 408, 413, 422, 429, 431, 500, 502,
    503, 504,
];

const CLASSES: [RouteClass; 5] = [
    RouteClass::Probe,
    RouteClass::Observability,
    RouteClass::Api,
    RouteClass::Webhook(0),
    RouteClass::Other,
];

fn class_index(class: RouteClass) -> usize {
    match class {
        RouteClass::Probe => 0,
        RouteClass::Observability => 1,
        RouteClass::Api => 2,
        RouteClass::Webhook(_) => 3,
        RouteClass::Other => 4,
    }
}

/// Counts requests in the metrics and the rolling window. Metric handles
/// are looked up once per (class, status) and kept, so the hot path is a
/// few atomic operations and one short lock.
#[derive(Debug)]
pub struct Recorder {
    rolling: Rolling,
    requests: [[OnceLock<metrics::Counter>; COMMON_STATUSES.len()]; CLASSES.len()],
    durations: [OnceLock<metrics::Histogram>; CLASSES.len()],
}

impl Recorder {
    /// A recorder with a rolling window of `window`.
    pub fn new(window: Duration) -> Self {
        Self {
            rolling: Rolling::new(window),
            requests: Default::default(),
            durations: Default::default(),
        }
    }

    /// The rolling window.
    pub fn rolling(&self) -> &Rolling {
        &self.rolling
    }

    /// Counts one answered request.
    pub fn record(&self, class: RouteClass, status: u16, latency: Duration) {
        let c = class_index(class);
        let label = CLASSES[c].label();
        match COMMON_STATUSES.iter().position(|&s| s == status) {
            Some(i) => self.requests[c][i]
                .get_or_init(|| {
                    metrics::counter!(REQUESTS, "class" => label, "status" => status.to_string())
                })
                .increment(1),
            None => {
                metrics::counter!(REQUESTS, "class" => label, "status" => status.to_string())
                    .increment(1);
            }
        }
        self.durations[c]
            .get_or_init(|| metrics::histogram!(REQUEST_DURATION, "class" => label))
            .record(latency.as_secs_f64());
        self.rolling.record(class, status, latency);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_monotonic_and_bounded() {
        let mut last = 0;
        for us in [
            1u64,
            2,
            3,
            4,
            5,
            7,
            8,
            100,
            999,
            1000,
            1500,
            10_000,
            1 << 30,
        ] {
            let b = bin(Duration::from_micros(us));
            assert!(b >= last, "{us}");
            assert!(b < BINS);
            last = b;
        }
        // A bin's middle is within a quarter octave of what fell in it.
        for us in [3u64, 250, 1_000, 7_777, 123_456] {
            let mid = bin_ms(bin(Duration::from_micros(us))) * 1000.0;
            let ratio = mid / us as f64;
            assert!((0.85..1.15).contains(&ratio), "{us} -> {mid}");
        }
    }

    #[test]
    fn percentiles_and_classes() {
        let rolling = Rolling::new(DEFAULT_WINDOW);
        for i in 0..100u64 {
            let status = if i < 90 { 200 } else { 503 };
            rolling.record(
                RouteClass::Api,
                status,
                Duration::from_micros(1000 + i * 10),
            );
        }
        rolling.record(RouteClass::Webhook(4), 401, Duration::from_millis(2));
        rolling.record(RouteClass::Probe, 200, Duration::from_millis(2));
        let view = rolling.snapshot();
        assert_eq!(view["window_seconds"], 300);
        assert_eq!(view["api"]["requests"], 100);
        assert_eq!(view["api"]["success_rate"], 0.9);
        assert_eq!(view["api"]["by_status_class"]["5xx"], 10);
        let p50 = view["api"]["latency_ms"]["p50"].as_f64().unwrap();
        let p99 = view["api"]["latency_ms"]["p99"].as_f64().unwrap();
        assert!((1.3..1.7).contains(&p50), "{p50}");
        assert!(p99 >= p50);
        assert_eq!(view["webhooks"]["requests"], 1);
        assert_eq!(
            view["webhooks"]["by_name"]["founder"]["by_status_class"]["4xx"],
            1
        );
        assert_eq!(view["webhooks"]["by_name"]["founder"]["success_rate"], 0.0);
        assert_eq!(view["webhooks"]["by_name"]["reflections"]["requests"], 0);
    }

    #[test]
    fn a_slot_ahead_of_the_snapshot_does_not_underflow() {
        // What a `record` racing the snapshot into the next slot period
        // leaves behind: a slot whose epoch is after the snapshot's `now`.
        let rolling = Rolling::new(Duration::from_secs(60));
        rolling.record(RouteClass::Api, 200, Duration::from_millis(1));
        {
            let now = rolling.epoch(Instant::now());
            let mut slots = rolling.slots.lock().unwrap();
            let ahead = &mut slots[((now + 1) % SLOTS as u64) as usize];
            ahead.epoch = now + 1;
            ahead.api.add(200, 0);
        }
        assert_eq!(rolling.snapshot()["api"]["requests"], 1);
    }

    #[test]
    fn old_slots_leave_the_view() {
        let rolling = Rolling::new(Duration::from_secs(60));
        rolling.record(RouteClass::Api, 200, Duration::from_millis(1));
        assert_eq!(rolling.snapshot()["api"]["requests"], 1);
        // Pretend the window has passed by moving the start back.
        let mut shifted = Rolling::new(Duration::from_secs(60));
        shifted.record(RouteClass::Api, 200, Duration::from_millis(1));
        shifted.started -= Duration::from_secs(61);
        assert_eq!(shifted.snapshot()["api"]["requests"], 0);
    }
}
