//! A cache for one secret: TTL, stale-if-error, one fetch at a time.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::{Error, SecretManager, SecretValue};

struct Entry {
    value: Arc<SecretValue>,
    fetched: Instant,
}

/// Caches one Secret Manager version.
///
/// - A value younger than the TTL (default one hour) is served from
///   memory: a lock, a clock read and an `Arc` clone.
/// - Otherwise one caller fetches while concurrent callers wait for that
///   fetch (single flight).
/// - If the fetch fails and the cached value is younger than the
///   stale-if-error limit, the old value is served (and the failure
///   logged); past that limit the error is returned.
/// - [`SecretCache::clear`] drops the value, for incident response, and
///   logs an audit line. A fetch already in flight when the cache is
///   cleared may bring back the value the clear was meant to drop: each
///   clear moves a generation counter on, and a fetch started in an
///   earlier generation is discarded and made again.
#[derive(Debug)]
pub struct SecretCache {
    manager: SecretManager,
    resource: String,
    ttl: Duration,
    stale_if_error: Duration,
    state: Mutex<State>,
    fetch: tokio::sync::Mutex<()>,
}

/// The cached value and the number of clears so far, under one lock.
#[derive(Debug, Default)]
struct State {
    entry: Option<Entry>,
    generation: u64,
}

/// Fetches in a row that a clear may discard before [`SecretCache::get`]
/// gives up (clears are rare, manual acts: three in one fetch is someone
/// holding the button).
const FETCHES_PER_GET: usize = 3;

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("value", &self.value)
            .field("fetched", &self.fetched)
            .finish()
    }
}

impl SecretCache {
    /// A cache of `resource` (`projects/…/secrets/…/versions/…`).
    pub fn new(
        manager: SecretManager,
        resource: impl Into<String>,
        ttl: Duration,
        stale_if_error: Duration,
    ) -> Self {
        Self {
            manager,
            resource: resource.into(),
            ttl,
            stale_if_error,
            state: Mutex::new(State::default()),
            fetch: tokio::sync::Mutex::new(()),
        }
    }

    /// The resource cached.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The state, even if a panic elsewhere poisoned the lock (it holds
    /// no invariant a panic could break).
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The manager (for a check that bypasses the cache).
    pub(crate) fn manager(&self) -> &SecretManager {
        &self.manager
    }

    /// The cached value if it is younger than `max_age`.
    fn cached(&self, max_age: Duration) -> Option<Arc<SecretValue>> {
        self.state()
            .entry
            .as_ref()
            .filter(|e| e.fetched.elapsed() < max_age)
            .map(|e| Arc::clone(&e.value))
    }

    /// The cached value if it is within the TTL, without fetching or
    /// waiting: the hit path of [`get`](Self::get).
    pub fn try_get(&self) -> Option<Arc<SecretValue>> {
        self.cached(self.ttl)
    }

    /// The value: from memory within the TTL, else fetched.
    pub async fn get(&self) -> Result<Arc<SecretValue>, Error> {
        if let Some(value) = self.try_get() {
            return Ok(value);
        }
        let _flight = self.fetch.lock().await;
        // Someone else may have fetched while we waited.
        if let Some(value) = self.cached(self.ttl) {
            return Ok(value);
        }
        for _ in 0..FETCHES_PER_GET {
            let generation = self.state().generation;
            match self.manager.access(&self.resource).await {
                Ok(value) => {
                    let value = Arc::new(value);
                    let mut state = self.state();
                    if state.generation != generation {
                        // Cleared while this fetch was in flight: what it
                        // read may be the value the clear was for.
                        drop(state);
                        tracing::warn!(resource = %self.resource, "secret fetched before a cache clear; discarded, fetching again");
                        continue;
                    }
                    state.entry = Some(Entry {
                        value: Arc::clone(&value),
                        fetched: Instant::now(),
                    });
                    drop(state);
                    tracing::info!(resource = %self.resource, "secret fetched from Secret Manager");
                    return Ok(value);
                }
                Err(e) => {
                    return match self.cached(self.stale_if_error) {
                        Some(stale) => {
                            tracing::warn!(resource = %self.resource, error = %e, "Secret Manager failed; serving the cached value (stale-if-error)");
                            Ok(stale)
                        }
                        None => Err(e),
                    };
                }
            }
        }
        Err(Error::Unavailable(format!(
            "the cache was cleared during each of {FETCHES_PER_GET} fetches"
        )))
    }

    /// Drops the cached value (incident response: a rotated or leaked
    /// key); the next [`get`](Self::get) fetches. Returns how many values
    /// were dropped (0 or 1).
    pub fn clear(&self) -> usize {
        let dropped = {
            let mut state = self.state();
            state.generation += 1;
            state.entry.take().is_some()
        };
        tracing::warn!(resource = %self.resource, dropped, "AUDIT: secret cache cleared");
        usize::from(dropped)
    }
}
