use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

/// The largest limit a [`Quota`] takes: counts are packed into one 64-bit
/// word per client, and two buckets of 24 bits are the fewest the window
/// works with.
pub const MAX_LIMIT: u32 = (1 << 24) - 1;

/// The shortest period a [`Quota`] takes.
pub const MIN_PERIOD: Duration = Duration::from_millis(10);

/// The longest period a [`Quota`] takes: a century.
pub const MAX_PERIOD: Duration = Duration::from_secs(100 * 365 * 86_400);

/// At most `limit` requests in any window of `period`.
///
/// Built only through [`Quota::new`] and friends, which refuse a quota the
/// limiter cannot enforce, so a [`Quota`] in hand always works.
///
/// ```
/// use std::num::NonZeroU32;
/// use alphaguard_rate_limit::Quota;
///
/// let q = Quota::per_minute(NonZeroU32::new(30).unwrap()).unwrap();
/// assert_eq!((q.limit().get(), q.period().as_secs()), (30, 60));
/// assert!(Quota::per_minute(NonZeroU32::new(1 << 24).unwrap()).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quota {
    limit: NonZeroU32,
    period: Duration,
}

/// Why a [`Quota`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuotaError {
    /// The limit is above [`MAX_LIMIT`].
    LimitTooLarge,
    /// The period is below [`MIN_PERIOD`] (or above a century).
    PeriodOutOfRange,
}

impl fmt::Display for QuotaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LimitTooLarge => write!(f, "limit above {MAX_LIMIT}"),
            Self::PeriodOutOfRange => f.write_str("period must be between 10 ms and 100 years"),
        }
    }
}

impl std::error::Error for QuotaError {}

impl Quota {
    /// `limit` requests in any window of `period`.
    pub const fn new(limit: NonZeroU32, period: Duration) -> Result<Self, QuotaError> {
        if limit.get() > MAX_LIMIT {
            return Err(QuotaError::LimitTooLarge);
        }
        let ns = period.as_nanos();
        if ns < MIN_PERIOD.as_nanos() || ns > MAX_PERIOD.as_nanos() {
            return Err(QuotaError::PeriodOutOfRange);
        }
        Ok(Self { limit, period })
    }

    /// `limit` requests per minute.
    pub fn per_minute(limit: NonZeroU32) -> Result<Self, QuotaError> {
        Self::new(limit, Duration::from_secs(60))
    }

    /// `limit` requests per second.
    pub fn per_second(limit: NonZeroU32) -> Result<Self, QuotaError> {
        Self::new(limit, Duration::from_secs(1))
    }

    /// The most requests in any window.
    pub fn limit(&self) -> NonZeroU32 {
        self.limit
    }

    /// The window's length.
    pub fn period(&self) -> Duration {
        self.period
    }
}
