use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use http::Method;

use crate::{Quota, QuotaError};

/// A class of requests with its own budget per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Health and metrics probes (default 60 per minute).
    Probe,
    /// Reads: `GET`, `HEAD`, `OPTIONS` (default 30 per minute).
    Read,
    /// Everything else: `POST`, `PUT`, `PATCH`, `DELETE`, ... (default 10
    /// per minute).
    Write,
}

impl Tier {
    /// All tiers, in index order.
    pub const ALL: [Tier; 3] = [Tier::Probe, Tier::Read, Tier::Write];

    /// `probe`, `read` or `write`: the policy name in `RateLimit` headers and
    /// the label in metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Probe => "probe",
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The quota of each tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiers {
    quotas: [Quota; 3],
}

impl Tiers {
    /// The seed's limits: probes 60, reads 30, writes 10, per minute.
    pub const SEED_DEFAULTS: Tiers = Tiers {
        quotas: [per_minute(60), per_minute(30), per_minute(10)],
    };

    /// Each tier's quota.
    pub fn new(probe: Quota, read: Quota, write: Quota) -> Self {
        Self {
            quotas: [probe, read, write],
        }
    }

    /// Per-minute limits for the three tiers.
    pub fn per_minute(
        probe: NonZeroU32,
        read: NonZeroU32,
        write: NonZeroU32,
    ) -> Result<Self, QuotaError> {
        Ok(Self::new(
            Quota::per_minute(probe)?,
            Quota::per_minute(read)?,
            Quota::per_minute(write)?,
        ))
    }

    /// One tier's quota.
    pub fn quota(&self, tier: Tier) -> Quota {
        self.quotas[tier.index()]
    }
}

impl Default for Tiers {
    fn default() -> Self {
        Self::SEED_DEFAULTS
    }
}

/// A per-minute quota for a constant; a bad one fails the build, not a run.
const fn per_minute(n: u32) -> Quota {
    let Some(limit) = NonZeroU32::new(n) else {
        panic!("zero limit")
    };
    match Quota::new(limit, Duration::from_secs(60)) {
        Ok(q) => q,
        Err(_) => panic!("invalid built-in quota"),
    }
}

/// Sorts requests into tiers by method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classifier {
    probe_paths: Vec<String>,
}

impl Default for Classifier {
    /// `/health` and `/metrics` are probes.
    fn default() -> Self {
        Self {
            probe_paths: vec!["/health".to_owned(), "/metrics".to_owned()],
        }
    }
}

impl Classifier {
    /// A classifier with these exact paths as probes.
    pub fn with_probe_paths<I, S>(paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            probe_paths: paths.into_iter().map(Into::into).collect(),
        }
    }

    /// Probe paths (any method) → [`Tier::Probe`]; `GET`, `HEAD`,
    /// `OPTIONS` → [`Tier::Read`]; anything else → [`Tier::Write`].
    ///
    /// ```
    /// use alphaguard_rate_limit::{Classifier, Tier};
    /// use http::Method;
    ///
    /// let c = Classifier::default();
    /// assert_eq!(c.classify(&Method::GET, "/health"), Tier::Probe);
    /// assert_eq!(c.classify(&Method::GET, "/api/me"), Tier::Read);
    /// assert_eq!(c.classify(&Method::DELETE, "/api/x"), Tier::Write);
    /// ```
    pub fn classify(&self, method: &Method, path: &str) -> Tier {
        if self.probe_paths.iter().any(|p| p == path) {
            Tier::Probe
        } else if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
            Tier::Read
        } else {
            Tier::Write
        }
    }
}
