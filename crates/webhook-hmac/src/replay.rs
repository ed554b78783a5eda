//! Telling a first delivery from a repeat.
//!
//! Standard Webhooks senders retry with the same `webhook-id`, and an
//! attacker who captured a request can send it again within the timestamp
//! tolerance. A [`ReplayGuard`] remembers each id for as long as its
//! timestamp would be accepted (the tolerance), which is all it needs: a
//! request older than that fails the timestamp check anyway.
//!
//! Record an id only after its signature has been verified, so only genuine
//! senders can fill the guard.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::clock::{Clock, SystemClock};

/// A boxed future, as the guard's methods return it (so the trait can be
/// used as `dyn ReplayGuard`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Whether an id was seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The first time within the window: process it.
    First,
    /// Seen before within the window: acknowledge it, do not process it again.
    Repeat,
}

/// The guard's store could not answer. The caller decides; the service
/// answers 503 so the sender retries (failing closed).
#[derive(Debug)]
#[non_exhaustive]
pub struct ReplayError {
    message: String,
}

impl ReplayError {
    /// An error with a description that must not contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "replay guard unavailable: {}", self.message)
    }
}

impl std::error::Error for ReplayError {}

/// Remembers delivery ids for a time.
pub trait ReplayGuard: fmt::Debug + Send + Sync {
    /// Records `key` for `ttl` and tells whether it was already there.
    /// Atomic: of two concurrent calls with one key, exactly one sees
    /// [`Delivery::First`].
    fn check_and_record<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Delivery, ReplayError>>;

    /// Forgets `key`, so that a delivery whose processing failed is processed
    /// when the sender retries it with the same id.
    fn forget<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), ReplayError>>;
}

/// The key a webhook delivery is remembered under: `{webhook}:{id}`, so two
/// webhooks' ids never collide.
pub fn replay_key(webhook: &str, id: &str) -> String {
    let mut key = String::with_capacity(webhook.len() + id.len() + 1);
    key.push_str(webhook);
    key.push(':');
    key.push_str(id);
    key
}

/// A stable id for a delivery that carries none (the plain scheme):
/// `sha256:` and the hex SHA-256 of the webhook's name, a NUL byte and the
/// body. The same body sent to the same webhook gets the same id, so a
/// replay within the window is caught by the guard, and a service can pass
/// the id on as an idempotency key. It is derived from signed bytes only;
/// nothing the sender chose outside the signature goes into it.
pub fn derived_id(webhook: &str, body: &[u8]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(webhook.as_bytes());
    ctx.update(&[0]);
    ctx.update(body);
    let digest = ctx.finish();
    let mut id = String::with_capacity(7 + 64);
    id.push_str("sha256:");
    id.push_str(&hex::encode(digest.as_ref()));
    id
}

/// The default capacity of [`MemoryReplayGuard`].
pub const DEFAULT_CAPACITY: usize = 100_000;

/// An in-process [`ReplayGuard`]: bounded, with entries that expire.
///
/// When full, it first drops expired entries and then the oldest ones
/// (counted by [`Self::evictions`]). Evicting an unexpired id reopens the
/// replay window for that one id, so size the capacity above the number of
/// deliveries expected within one tolerance window (the default, 100,000
/// ids, is about 100 bytes each, some 10 MB). Only verified deliveries are
/// recorded, so an attacker without the secret cannot fill it.
///
/// Per process only: run several replicas with the Redis guard (feature
/// `redis`).
pub struct MemoryReplayGuard {
    state: Mutex<State>,
    capacity: usize,
    clock: Arc<dyn Clock>,
    evictions: AtomicU64,
}

#[derive(Default)]
struct State {
    expiry_ms: HashMap<Arc<str>, u64>,
    /// Insertion order, for expiry and eviction. May hold stale entries for
    /// keys that were forgotten or re-recorded; those are skipped.
    order: VecDeque<(u64, Arc<str>)>,
}

impl MemoryReplayGuard {
    /// A guard holding at most `capacity` ids (at least 1), on the system clock.
    pub fn new(capacity: usize) -> Self {
        Self::with_clock(capacity, Arc::new(SystemClock))
    }

    /// A guard on the given clock.
    pub fn with_clock(capacity: usize, clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Mutex::new(State::default()),
            capacity: capacity.max(1),
            clock,
            evictions: AtomicU64::new(0),
        }
    }

    /// How many unexpired ids were dropped to make room.
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    /// How many ids are held now (expired ones may still count until the
    /// next write).
    pub fn len(&self) -> usize {
        self.lock().expiry_ms.len()
    }

    /// Whether no id is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic in
        // another thread leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.clock.now().as_millis()).unwrap_or(u64::MAX)
    }

    /// The synchronous form of [`ReplayGuard::check_and_record`].
    pub fn check_and_record_now(&self, key: &str, ttl: Duration) -> Delivery {
        let now = self.now_ms();
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let mut state = self.lock();
        if let Some(&expiry) = state.expiry_ms.get(key)
            && expiry > now
        {
            return Delivery::Repeat;
        }
        state.purge_expired(now);
        while state.expiry_ms.len() >= self.capacity {
            if state.pop_oldest() {
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
        let key: Arc<str> = Arc::from(key);
        let expiry = now.saturating_add(ttl_ms);
        state.expiry_ms.insert(Arc::clone(&key), expiry);
        state.order.push_back((expiry, key));
        Delivery::First
    }

    /// The synchronous form of [`ReplayGuard::forget`].
    pub fn forget_now(&self, key: &str) {
        self.lock().expiry_ms.remove(key);
    }
}

impl State {
    fn purge_expired(&mut self, now: u64) {
        while let Some((expiry, _)) = self.order.front() {
            if *expiry > now {
                break;
            }
            if let Some((expiry, key)) = self.order.pop_front()
                && self.expiry_ms.get(&key) == Some(&expiry)
            {
                self.expiry_ms.remove(&key);
            }
        }
    }

    /// Drops the oldest live entry; true if one was dropped.
    fn pop_oldest(&mut self) -> bool {
        while let Some((expiry, key)) = self.order.pop_front() {
            if self.expiry_ms.get(&key) == Some(&expiry) {
                self.expiry_ms.remove(&key);
                return true;
            }
        }
        // `order` ran dry: nothing live is left to drop.
        self.expiry_ms.clear();
        false
    }
}

impl fmt::Debug for MemoryReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayGuard")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .field("evictions", &self.evictions())
            .finish()
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn check_and_record<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Delivery, ReplayError>> {
        let outcome = self.check_and_record_now(key, ttl);
        Box::pin(std::future::ready(Ok(outcome)))
    }

    fn forget<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), ReplayError>> {
        self.forget_now(key);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FakeClock;

    const TTL: Duration = Duration::from_secs(300);

    fn guard(capacity: usize) -> (MemoryReplayGuard, FakeClock) {
        let clock = FakeClock::from_unix_secs(1_000_000);
        (
            MemoryReplayGuard::with_clock(capacity, Arc::new(clock.clone())),
            clock,
        )
    }

    #[test]
    fn first_then_repeat_then_expired() {
        let (g, clock) = guard(10);
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::First);
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::Repeat);
        assert_eq!(g.check_and_record_now("b", TTL), Delivery::First);
        clock.advance(TTL - Duration::from_millis(1));
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::Repeat);
        clock.advance(Duration::from_millis(1));
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::First);
    }

    #[test]
    fn forget_lets_a_retry_through() {
        let (g, _) = guard(10);
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::First);
        g.forget_now("a");
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::First);
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::Repeat);
    }

    #[test]
    fn stays_bounded_and_counts_evictions() {
        let (g, clock) = guard(3);
        for key in ["a", "b", "c", "d"] {
            assert_eq!(g.check_and_record_now(key, TTL), Delivery::First);
        }
        assert_eq!(g.len(), 3);
        assert_eq!(g.evictions(), 1);
        // The oldest, "a", was evicted; the newest three are remembered.
        assert_eq!(g.check_and_record_now("d", TTL), Delivery::Repeat);
        assert_eq!(g.check_and_record_now("a", TTL), Delivery::First);
        assert_eq!(g.evictions(), 2);
        // Expired entries are dropped before anything live is evicted.
        clock.advance(TTL);
        for key in ["x", "y", "z"] {
            g.check_and_record_now(key, TTL);
        }
        assert_eq!(g.evictions(), 2);
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn forgotten_and_rerecorded_keys_do_not_confuse_the_order() {
        let (g, clock) = guard(2);
        g.check_and_record_now("a", TTL);
        g.forget_now("a");
        g.check_and_record_now("a", TTL);
        g.check_and_record_now("b", TTL);
        assert_eq!(g.len(), 2);
        g.check_and_record_now("c", TTL);
        assert_eq!(g.len(), 2);
        assert_eq!(g.check_and_record_now("c", TTL), Delivery::Repeat);
        clock.advance(TTL * 2);
        assert_eq!(g.check_and_record_now("c", TTL), Delivery::First);
    }
}
