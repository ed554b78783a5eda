//! A [`ReplayGuard`] in Redis, shared by every replica.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::replay::{BoxFuture, Delivery, ReplayError, ReplayGuard};

/// The prefix put before every key this guard writes.
pub const DEFAULT_PREFIX: &str = "alphaguard:webhook:";

/// A [`ReplayGuard`] backed by Redis: one `SET key 1 NX PX ttl` per
/// delivery, which is atomic and expires on its own, so several replicas
/// share one view of which ids were seen.
///
/// The connection is multiplexed and reconnects by itself; each command has
/// a response timeout, and a failure is a [`ReplayError`] (the caller fails
/// closed).
#[derive(Clone)]
pub struct RedisReplayGuard {
    conn: ConnectionManager,
    prefix: String,
}

impl RedisReplayGuard {
    /// Connects to `url` (`redis://host:port/db`) with a 2 s connection
    /// timeout and a 1 s response timeout.
    pub async fn connect(url: &str) -> Result<Self, ReplayError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        Self::connect_with(url, config).await
    }

    /// As [`connect`](Self::connect), without waiting for Redis: the
    /// connection is made on first use and again on every use after a
    /// failure (each failing meanwhile with a [`ReplayError`], so callers
    /// fail closed). Errors only for a malformed URL. Needs a tokio
    /// runtime.
    pub fn connect_lazy(url: &str) -> Result<Self, ReplayError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        let client = redis::Client::open(url).map_err(|_| ReplayError::new("invalid Redis URL"))?;
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| ReplayError::new(format!("connect: {}", describe(&e))))?;
        Ok(Self::from_connection(conn))
    }

    /// Connects with the caller's connection settings.
    pub async fn connect_with(
        url: &str,
        config: ConnectionManagerConfig,
    ) -> Result<Self, ReplayError> {
        // The URL may hold a password: never echo it.
        let client = redis::Client::open(url).map_err(|_| ReplayError::new("invalid Redis URL"))?;
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| ReplayError::new(format!("connect: {}", describe(&e))))?;
        Ok(Self::from_connection(conn))
    }

    /// Uses an existing connection manager.
    pub fn from_connection(conn: ConnectionManager) -> Self {
        Self {
            conn,
            prefix: DEFAULT_PREFIX.to_owned(),
        }
    }

    /// Sets the key prefix (default [`DEFAULT_PREFIX`]).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// One `PING` on the guard's own connection (a readiness probe; it
    /// also makes a lazy or broken connection reconnect).
    pub async fn ping(&self) -> Result<(), ReplayError> {
        let mut conn = self.conn.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(drop)
            .map_err(|e| ReplayError::new(format!("PING: {}", describe(&e))))
    }

    fn key(&self, key: &str) -> String {
        let mut full = String::with_capacity(self.prefix.len() + key.len());
        full.push_str(&self.prefix);
        full.push_str(key);
        full
    }
}

/// The error's kind, never its full text (which can echo the URL).
fn describe(e: &redis::RedisError) -> String {
    format!("{:?}", e.kind())
}

impl fmt::Debug for RedisReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayGuard")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl ReplayGuard for RedisReplayGuard {
    fn check_and_record<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Delivery, ReplayError>> {
        Box::pin(async move {
            let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let mut conn = self.conn.clone();
            let set: Option<String> = redis::cmd("SET")
                .arg(self.key(key))
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms)
                .query_async(&mut conn)
                .await
                .map_err(|e| ReplayError::new(format!("SET NX: {}", describe(&e))))?;
            Ok(if set.is_some() {
                Delivery::First
            } else {
                Delivery::Repeat
            })
        })
    }

    fn forget<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), ReplayError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let _: i64 = redis::cmd("DEL")
                .arg(self.key(key))
                .query_async(&mut conn)
                .await
                .map_err(|e| ReplayError::new(format!("DEL: {}", describe(&e))))?;
            Ok(())
        })
    }
}
