//! Which limiter a caller asks: in-process or Redis, behind one type.

use std::sync::Arc;

use crate::{ClientKey, Decision, RateLimiter, Tier, Tiers};

/// Which limiter to ask. Cheap to clone.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Backend {
    /// The in-process limiter.
    Memory(Arc<RateLimiter>),
    /// The Redis limiter (feature `redis`).
    #[cfg(feature = "redis")]
    Redis(Arc<crate::RedisLimiter>),
}

impl Backend {
    /// Decides one request.
    pub async fn check(&self, tier: Tier, key: &ClientKey) -> Decision {
        match self {
            Self::Memory(limiter) => limiter.check(tier, key),
            #[cfg(feature = "redis")]
            Self::Redis(limiter) => limiter.check(tier, key).await,
        }
    }

    /// The tiers, with their names and quotas.
    pub fn tiers(&self) -> &Tiers {
        match self {
            Self::Memory(limiter) => limiter.tiers(),
            #[cfg(feature = "redis")]
            Self::Redis(limiter) => limiter.tiers(),
        }
    }

    /// How many requests the failure policy decided because the shared
    /// store could not answer (always 0 in memory).
    pub fn store_failures(&self) -> u64 {
        match self {
            Self::Memory(_) => 0,
            #[cfg(feature = "redis")]
            Self::Redis(limiter) => limiter.store_failures(),
        }
    }

    /// How many live client states were dropped to stay under the memory
    /// cap (always 0 in Redis, where states expire on their own).
    pub fn evictions(&self) -> u64 {
        match self {
            Self::Memory(limiter) => limiter.store().evictions(),
            #[cfg(feature = "redis")]
            Self::Redis(_) => 0,
        }
    }
}

/// A request the limiter refused: `429 Too Many Requests`, "too many
/// requests", label `rate_limited`. The response also carries the
/// `Retry-After` and `RateLimit` fields ([`crate::headers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited;

impl alphaguard_config::refusal::Refusal for RateLimited {
    fn status(&self) -> http::StatusCode {
        http::StatusCode::TOO_MANY_REQUESTS
    }

    fn public_message(&self) -> &'static str {
        "too many requests"
    }

    fn label(&self) -> &'static str {
        "rate_limited"
    }
}
