#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod clock;
mod config;
pub mod headers;
mod key;
mod limiter;
mod quota;
mod store;
mod tier;
pub mod window;

#[cfg(feature = "redis")]
mod redis_store;

#[cfg(feature = "tower")]
pub mod layer;

pub use alphaguard_config::{ConfigError, ConfigErrors};
pub use backend::{Backend, RateLimited};
pub use clock::{Clock, FakeClock, MonotonicClock, SystemClock};
pub use config::{Config, TierSpec};
pub use key::{ClientIpResolver, ClientKey, ForwardedHeader, MAX_HOPS};
pub use limiter::{RateLimiter, Sweeper, unknown_tier};
pub use quota::{MAX_LIMIT, MAX_PERIOD, MIN_PERIOD, Quota, QuotaError};
#[cfg(feature = "redis")]
pub use redis_store::{
    DEFAULT_PREFIX as REDIS_DEFAULT_PREFIX, MAX_BATCH as REDIS_MAX_BATCH, RedisLimiter,
    RedisStoreError,
};
pub use store::{DEFAULT_MAX_CLIENTS, MemoryStore, StateStore};
pub use tier::{Classifier, Rule, Tier, TierError, Tiers};
pub use window::{Decision, Step, Window};

/// What a shared store's failure turns into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailurePolicy {
    /// Refuse the request (429 with a short `Retry-After`): the default,
    /// since an attacker who can break the store must not lift every limit.
    #[default]
    FailClosed,
    /// Admit the request: availability over enforcement.
    FailOpen,
}
