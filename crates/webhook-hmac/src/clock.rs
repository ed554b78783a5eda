//! Time, injected.
//!
//! Verification needs "now" to check a timestamp's tolerance, and the
//! in-memory replay guard needs it to expire entries. Both take it from a
//! [`Clock`], so tests and benches can move time by hand with [`FakeClock`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of wall-clock time, as a duration since the Unix epoch.
pub trait Clock: fmt::Debug + Send + Sync {
    /// The current time since the Unix epoch.
    fn now(&self) -> Duration;

    /// A cheaper reading of the same clock, if it has one: never later than
    /// [`now`](Clock::now) and less than one second before it.
    ///
    /// Verification uses it only to accept a timestamp that is within the
    /// tolerance of every time from this reading to one second after it;
    /// any other timestamp is decided by [`now`](Clock::now). So a clock
    /// that keeps the promise changes no decision. The default, `None`,
    /// means `now` is always read.
    fn now_coarse(&self) -> Option<Duration> {
        None
    }
}

/// How far behind [`Clock::now`] a [`Clock::now_coarse`] reading may be.
pub(crate) const COARSE_MAX_LAG: Duration = Duration::from_secs(1);

/// Whether `timestamp` (Unix seconds) is within `tolerance` of the clock's
/// time, in either direction: `|timestamp - now| <= tolerance`.
///
/// A coarse reading `c` promises `c <= now < c + COARSE_MAX_LAG`; a
/// timestamp within the tolerance of that whole interval is within it of
/// `now`, whatever `now` is inside it, and is accepted without reading
/// `now`. Everything else (within a second of either edge, or outside) is
/// decided by `now` itself.
pub(crate) fn within_tolerance(clock: &dyn Clock, timestamp: u64, tolerance: Duration) -> bool {
    let timestamp = Duration::from_secs(timestamp);
    if let Some(coarse) = clock.now_coarse()
        && timestamp <= coarse.saturating_add(tolerance)
        && timestamp.saturating_add(tolerance) >= coarse.saturating_add(COARSE_MAX_LAG)
    {
        return true;
    }
    timestamp.abs_diff(clock.now()) <= tolerance
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        // A clock set before 1970 is a broken machine; treating it as the
        // epoch makes every timestamp check fail, which fails closed.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
    }

    /// On Linux, `CLOCK_REALTIME_COARSE`: the kernel's wall clock as of its
    /// last timekeeping update (every tick, 1 to 10 ms; `clock_getres`
    /// says which), read from the vDSO page without reading the CPU's
    /// counter. It is the same clock as `now` without the time since that
    /// update, so never ahead of it; a lag of a second would mean a hundred
    /// or more missed ticks. Elsewhere, `None`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn now_coarse(&self) -> Option<Duration> {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
        let secs = u64::try_from(t.tv_sec).ok()?;
        let nanos = u32::try_from(t.tv_nsec).ok()?;
        Some(Duration::new(secs, nanos))
    }
}

/// A clock that only moves when told to; clones share the same time.
///
/// ```
/// use alphaguard_webhook_hmac::{Clock, FakeClock};
/// use std::time::Duration;
///
/// let clock = FakeClock::from_unix_secs(1_700_000_000);
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(clock.now(), Duration::from_millis(1_700_000_001_500));
/// ```
#[derive(Debug, Clone, Default)]
pub struct FakeClock {
    millis: Arc<AtomicU64>,
}

impl FakeClock {
    /// A clock standing at `secs` seconds after the epoch.
    pub fn from_unix_secs(secs: u64) -> Self {
        Self {
            millis: Arc::new(AtomicU64::new(secs.saturating_mul(1000))),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.millis.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock to `secs` seconds after the epoch.
    pub fn set_unix_secs(&self, secs: u64) {
        self.millis
            .store(secs.saturating_mul(1000), Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.millis.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock whose coarse reading lags its precise one by a set amount.
    #[derive(Debug)]
    struct Lagging {
        now: Duration,
        lag: Duration,
    }

    impl Clock for Lagging {
        fn now(&self) -> Duration {
            self.now
        }
        fn now_coarse(&self) -> Option<Duration> {
            Some(self.now - self.lag)
        }
    }

    #[test]
    fn a_coarse_reading_changes_no_tolerance_decision() {
        for now in [
            Duration::from_secs(1_700_000_000),
            Duration::from_millis(1_700_000_000_001),
            Duration::from_millis(1_700_000_000_500),
            Duration::from_millis(1_700_000_000_999),
        ] {
            for lag_ms in [0, 1, 4, 10, 500, 999] {
                let clock = Lagging {
                    now,
                    lag: Duration::from_millis(lag_ms),
                };
                for tolerance in [0, 1, 2, 300].map(Duration::from_secs) {
                    for ts in now.as_secs() - 305..=now.as_secs() + 305 {
                        let exact = Duration::from_secs(ts).abs_diff(now) <= tolerance;
                        assert_eq!(
                            within_tolerance(&clock, ts, tolerance),
                            exact,
                            "now {now:?}, lag {lag_ms} ms, tolerance {tolerance:?}, ts {ts}"
                        );
                    }
                }
            }
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn the_system_coarse_clock_is_not_ahead_and_not_a_second_behind() {
        for _ in 0..1000 {
            let coarse = SystemClock.now_coarse().unwrap();
            let now = SystemClock.now();
            assert!(coarse <= now, "{coarse:?} > {now:?}");
            assert!(now - coarse < COARSE_MAX_LAG, "{coarse:?} vs {now:?}");
        }
    }
}
