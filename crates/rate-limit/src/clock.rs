//! Monotonic time, injected.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A monotonic clock in nanoseconds from an arbitrary start.
///
/// All that matters is that it never goes backwards and that every limiter
/// sharing a store reads the same clock (for Redis: clocks that agree to
/// well within one bucket).
pub trait Clock: fmt::Debug + Send + Sync {
    /// Nanoseconds since the clock's start.
    fn now_nanos(&self) -> u64;
}

/// The monotonic clock, read through `quanta` (the CPU's time-stamp counter,
/// calibrated against the OS clock, where it is reliable; the OS clock
/// otherwise): a read costs a few nanoseconds instead of a system clock
/// call, which matters on a path that costs tens of them. `governor` reads
/// time the same way.
#[derive(Debug, Clone)]
pub struct MonotonicClock {
    clock: quanta::Clock,
    /// The clock's raw reading at the start (counter ticks, or nanoseconds
    /// where the OS clock is used).
    start: u64,
}

impl MonotonicClock {
    /// A clock starting now.
    pub fn new() -> Self {
        let clock = quanta::Clock::new();
        let start = clock.raw();
        Self { clock, start }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    fn now_nanos(&self) -> u64 {
        // The raw reading scaled once, as nanoseconds since the start (0
        // for a reading before it): no `Duration` made and taken apart
        // again, which was a tenth of a check.
        self.clock.delta_as_nanos(self.start, self.clock.raw())
    }
}

/// Unix time in nanoseconds: for limiters on several machines that share a
/// Redis store and whose clocks are kept in step (NTP).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_nanos(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

/// A clock that moves only when told to; clones share one time. For tests
/// and benches.
///
/// ```
/// use std::time::Duration;
/// use alphaguard_rate_limit::{Clock, FakeClock};
///
/// let clock = FakeClock::default();
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.now_nanos(), 2_000_000_000);
/// ```
#[derive(Debug, Clone, Default)]
pub struct FakeClock {
    nanos: Arc<AtomicU64>,
}

impl FakeClock {
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ns = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(ns, Ordering::SeqCst);
    }

    /// Sets the clock (tests may move it anywhere; real clocks only go up).
    pub fn set(&self, nanos: u64) {
        self.nanos.store(nanos, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_nanos(&self) -> u64 {
        self.nanos.load(Ordering::SeqCst)
    }
}
