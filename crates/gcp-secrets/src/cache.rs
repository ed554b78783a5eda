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
///   logs an audit line.
#[derive(Debug)]
pub struct SecretCache {
    manager: SecretManager,
    resource: String,
    ttl: Duration,
    stale_if_error: Duration,
    entry: Mutex<Option<Entry>>,
    fetch: tokio::sync::Mutex<()>,
}

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
            entry: Mutex::new(None),
            fetch: tokio::sync::Mutex::new(()),
        }
    }

    /// The resource cached.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The cached value if it is younger than `max_age`.
    fn cached(&self, max_age: Duration) -> Option<Arc<SecretValue>> {
        let entry = self.entry.lock().unwrap_or_else(PoisonError::into_inner);
        entry
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
        match self.manager.access(&self.resource).await {
            Ok(value) => {
                let value = Arc::new(value);
                *self.entry.lock().unwrap_or_else(PoisonError::into_inner) = Some(Entry {
                    value: Arc::clone(&value),
                    fetched: Instant::now(),
                });
                tracing::info!(resource = %self.resource, "secret fetched from Secret Manager");
                Ok(value)
            }
            Err(e) => match self.cached(self.stale_if_error) {
                Some(stale) => {
                    tracing::warn!(resource = %self.resource, error = %e, "Secret Manager failed; serving the cached value (stale-if-error)");
                    Ok(stale)
                }
                None => Err(e),
            },
        }
    }

    /// Drops the cached value (incident response: a rotated or leaked
    /// key); the next [`get`](Self::get) fetches. Returns how many values
    /// were dropped (0 or 1).
    pub fn clear(&self) -> usize {
        let dropped = self
            .entry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .is_some();
        tracing::warn!(resource = %self.resource, dropped, "AUDIT: secret cache cleared");
        usize::from(dropped)
    }
}
