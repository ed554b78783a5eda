use std::fmt;
use std::sync::{Arc, Weak, mpsc};
use std::time::Duration;

use crate::window::{Decision, Window};
use crate::{ClientKey, Clock, MemoryStore, MonotonicClock, StateStore, Tier, Tiers};

/// The limiter: a [`Window`] per tier over a [`StateStore`] and a [`Clock`].
///
/// ```
/// use alphaguard_rate_limit::{ClientKey, FakeClock, MemoryStore, Quota, RateLimiter, Tiers};
/// use std::time::Duration;
///
/// let per_min = |n: u32| Quota::per_minute(n.try_into().unwrap()).unwrap();
/// let mut tiers = Tiers::new();
/// let read = tiers.add("read", per_min(30)).unwrap();
/// let write = tiers.add("write", per_min(10)).unwrap();
/// let clock = FakeClock::default();
/// let limiter = RateLimiter::with_store_and_clock(tiers, MemoryStore::default(), clock.clone());
/// let client = ClientKey::from_ip("203.0.113.9".parse().unwrap(), 64);
///
/// for _ in 0..10 {
///     assert!(limiter.check(write, &client).allowed);
/// }
/// let refused = limiter.check(write, &client);
/// assert!(!refused.allowed);
/// assert!(refused.retry_after().unwrap() > Duration::from_secs(60));
/// // Reads have their own budget.
/// assert!(limiter.check(read, &client).allowed);
/// ```
pub struct RateLimiter<S = MemoryStore, C = MonotonicClock> {
    tiers: Tiers,
    windows: Box<[Window]>,
    store: S,
    clock: C,
}

impl RateLimiter {
    /// An in-memory limiter with the default cap, on the monotonic clock.
    pub fn new(tiers: Tiers) -> Self {
        Self::with_store_and_clock(tiers, MemoryStore::default(), MonotonicClock::new())
    }
}

impl<S: StateStore, C: Clock> RateLimiter<S, C> {
    /// A limiter over any store and clock.
    ///
    /// The store is told how many tiers there are
    /// ([`StateStore::reserve_tiers`]).
    pub fn with_store_and_clock(tiers: Tiers, mut store: S, clock: C) -> Self {
        store.reserve_tiers(tiers.len());
        Self {
            windows: tiers.iter().map(|(_, _, q)| Window::new(q)).collect(),
            tiers,
            store,
            clock,
        }
    }

    /// Decides one request of `tier` from `key`. A tier this limiter does
    /// not have is refused (see [`unknown_tier`]).
    pub fn check(&self, tier: Tier, key: &ClientKey) -> Decision {
        let Some(window) = self.windows.get(tier.index()) else {
            return unknown_tier(tier);
        };
        let now = self.clock.now_nanos();
        let now_idx = window.bucket_index(now);
        // Only `step` runs while the store holds the state; the decision's
        // arithmetic comes after. No shared counter here either: two cores
        // bumping one would cost more than the check (callers count refusals
        // in their own metrics).
        let step = self.store.measure_and_replace(
            tier,
            key,
            |state| window.step(state, now_idx),
            &|state| window.is_expired(state, now),
        );
        match step {
            Some(step) => window.decision(step, now),
            None => unknown_tier(tier),
        }
    }

    /// Drops every client state that counts nothing any more; returns how
    /// many. Run it periodically ([`Self::spawn_sweeper`]).
    pub fn sweep(&self) -> usize {
        let now = self.clock.now_nanos();
        self.store.sweep(&|tier, state| {
            self.windows
                .get(tier.index())
                .is_none_or(|w| w.is_expired(state, now))
        })
    }

    /// The quotas.
    pub fn tiers(&self) -> &Tiers {
        &self.tiers
    }

    /// The compiled window of a tier (its bucket length, state lifetime).
    pub fn window(&self, tier: Tier) -> Option<&Window> {
        self.windows.get(tier.index())
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }
}

impl<S: StateStore + 'static, C: Clock + 'static> RateLimiter<S, C> {
    /// Sweeps every `period` on a background thread until the returned
    /// handle is dropped (or the limiter is). The sweep locks one shard at a
    /// time, so checks go on meanwhile. A period longer than a tier's
    /// [`Window::longest_sweep_period`] is shortened to it (see
    /// [`Sweeper::period`]), so no idle state lives to look current again.
    pub fn spawn_sweeper(self: &Arc<Self>, period: Duration) -> Sweeper {
        let period = self
            .windows
            .iter()
            .map(Window::longest_sweep_period)
            .fold(period, Duration::min)
            .max(Duration::from_millis(1));
        let limiter: Weak<Self> = Arc::downgrade(self);
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("alphaguard-rate-limit-sweep".to_owned())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(period) {
                    let Some(limiter) = limiter.upgrade() else {
                        return;
                    };
                    let dropped = limiter.sweep();
                    tracing::debug!(dropped, "rate-limit sweep");
                }
            });
        if let Err(e) = &spawned {
            tracing::error!(error = %e, "could not start the rate-limit sweeper; idle clients stay until evicted");
        }
        Sweeper {
            _stop: stop,
            period,
        }
    }
}

impl<S: fmt::Debug, C: fmt::Debug> fmt::Debug for RateLimiter<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("tiers", &self.tiers)
            .field("store", &self.store)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// The answer for a tier the limiter was not built with: refused, with a
/// one-second retry, and logged. A caller mixing up two limiters' tiers must
/// not lift every limit.
pub fn unknown_tier(tier: Tier) -> Decision {
    tracing::error!(
        tier = tier.index(),
        "rate limit asked about a tier it does not have; refusing"
    );
    Decision {
        allowed: false,
        limit: 0,
        remaining: 0,
        reset: Duration::from_secs(1),
    }
}

/// Stops the background sweep when dropped.
#[derive(Debug)]
pub struct Sweeper {
    _stop: mpsc::Sender<()>,
    period: Duration,
}

impl Sweeper {
    /// How often it sweeps: the period asked for, or less (see
    /// [`RateLimiter::spawn_sweeper`]).
    pub fn period(&self) -> Duration {
        self.period
    }
}
