//! The sliding-window algorithm: pure arithmetic on a 64-bit state word.
//!
//! # Semantics
//!
//! The window of length `W` is cut into `k` buckets of length `b = W / k`
//! (rounded up), and each client's state holds one counter for each of the
//! last `k + 1` buckets: the current one and the `k` before it. A request at
//! time `t` (in bucket `j`) is admitted when the counters of buckets `j - k`
//! to `j` add up to less than the limit `N`.
//!
//! Those buckets cover `[(j - k)·b, (j + 1)·b)`, which contains every window
//! `(t - W, t]`. (The bucket length is rounded up to whole milliseconds.)
//! So:
//!
//! - **Never over-admits**: in any window of length `W`, at most `N`
//!   requests are admitted (the property test checks this against a
//!   brute-force sliding log).
//! - **Under-admits by at most one bucket**: a request is refused only when
//!   `N` requests were admitted in `(t - W - b, t]`, i.e. a client may wait
//!   up to `b` longer than an exact sliding log would make it wait.
//!
//! `k` depends on the limit, since `k + 1` counters must fit in 48 bits:
//! 5 for limits up to 255 (so `b = W / 5`: 12 s for a 60 s window), 4 up to
//! 511, 3 up to 4,095, 2 up to 65,535 and 1 up to [`MAX_LIMIT`](crate::MAX_LIMIT).
//!
//! # State word
//!
//! Bits 63..48 hold the current bucket's index modulo 2¹⁶; bits 47..0 hold
//! the `k + 1` counters, the current bucket's lowest. A state whose index is
//! up to 256 buckets *ahead* of now (a racing thread read the clock a moment
//! later and was decided first) is treated as current: the request counts
//! as if it came at the state's time.
//!
//! # Time is the store's order
//!
//! "At most `N` in any window" holds for the times of the requests in the
//! order the store decides them, each one's time raised to the latest
//! decided before it, which is when a request is let through. Reckoned by
//! each request's own clock reading instead, a request that read its clock
//! a bucket or more before another that was decided ahead of it is judged
//! against the later window, and the buckets that window has let go may
//! still hold requests within `W` of its own reading: an outside review
//! had 5 readings admitted within 0.6 ms on a quota of 3 per 10 ms, when
//! Redis stalled 300 ms between the readings and the decisions. Those
//! requests were let through after the stall, so the rate at which they
//! reached the service held; only a window shorter than such delays can
//! see it.

use std::time::Duration;

use strength_reduce::StrengthReducedU64;

use crate::Quota;

const NANOS_PER_MS: u64 = 1_000_000;

/// Counters live in the low 48 bits.
const COUNTER_BITS: u32 = 48;
/// The most counters used, even when more would fit.
const MAX_COUNTERS: u32 = 6;
/// A stored index this many buckets (or fewer) ahead of now is "current".
const AHEAD_SLACK: u16 = 256;

/// What the limiter decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The quota's limit.
    pub limit: u32,
    /// How many more requests would be admitted now (after this one).
    pub remaining: u32,
    /// Until the oldest counted request leaves the window, so that
    /// `remaining` grows: the `t` of the `RateLimit` header.
    pub reset: Duration,
}

impl Decision {
    /// For a refused request: how long to wait before one would be admitted.
    /// `None` when allowed.
    pub fn retry_after(&self) -> Option<Duration> {
        (!self.allowed).then_some(self.reset)
    }
}

/// What [`Window::step`] found, for [`Window::decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    allowed: bool,
    /// The counters after this request.
    counts: u64,
    /// The current bucket's index.
    idx: u64,
}

/// A [`Quota`] compiled for the state word.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    limit: u32,
    /// Number of counters, `k + 1`.
    counters: u32,
    /// Bits per counter.
    bits: u32,
    /// Division of a bit's index by `bits` as a multiply and shift
    /// ([`reciprocal`]): a hardware divide was a tenth of a refusal.
    bits_recip: u32,
    bucket_ns: u64,
    /// Division by `bucket_ns` as a multiply and shift: a hardware divide
    /// would be a fifth of the whole check.
    bucket_div: StrengthReducedU64,
    /// A 1 in the lowest bit of every counter.
    ones: u64,
    /// Where the top counter starts.
    top_shift: u32,
    quota: Quota,
}

impl PartialEq for Window {
    fn eq(&self, other: &Self) -> bool {
        // Everything else follows from the quota.
        self.quota == other.quota
    }
}

impl Eq for Window {}

/// The shift of [`reciprocal`].
const RECIPROCAL_SHIFT: u32 = 16;

/// `⌈2¹⁶ / bits⌉`: for a bit index `i` below 64 and `bits` from 1 to 32,
/// `(i * reciprocal(bits)) >> 16` is `i / bits` exactly (the rounding error
/// is below `64 / 2¹⁶`, far under one `bits`-th; a test checks every
/// pair).
const fn reciprocal(bits: u32) -> u32 {
    (1u32 << RECIPROCAL_SHIFT).div_ceil(bits)
}

impl Window {
    /// Compiles a quota.
    pub fn new(quota: Quota) -> Self {
        let limit = quota.limit().get();
        let bits = u32::BITS - limit.leading_zeros();
        // `Quota` caps the limit at 24 bits, so at least two counters fit.
        let counters = (COUNTER_BITS / bits).clamp(2, MAX_COUNTERS);
        let period_ns = u64::try_from(quota.period().as_nanos()).unwrap_or(u64::MAX);
        // Whole milliseconds, so the Redis script (which counts in ms, as Lua
        // numbers cannot hold nanoseconds since 1970) draws the same buckets.
        let bucket_ms = period_ns
            .div_ceil(u64::from(counters - 1))
            .div_ceil(NANOS_PER_MS)
            .max(1);
        let bucket_ns = bucket_ms.saturating_mul(NANOS_PER_MS);
        Self {
            limit,
            counters,
            bits,
            bits_recip: reciprocal(bits),
            bucket_ns,
            bucket_div: StrengthReducedU64::new(bucket_ns),
            ones: (0..counters).fold(0, |acc, i| acc | 1 << (i * bits)),
            top_shift: (counters - 1) * bits,
            quota,
        }
    }

    /// The quota this window enforces.
    pub fn quota(&self) -> Quota {
        self.quota
    }

    /// The bucket length `b`: how much later than an exact sliding log this
    /// window may admit.
    pub fn bucket(&self) -> Duration {
        Duration::from_nanos(self.bucket_ns)
    }

    /// How long a state stays meaningful after its last update: a store may
    /// drop it after this (Redis keys expire after it).
    pub fn state_ttl(&self) -> Duration {
        Duration::from_nanos(self.bucket_ns.saturating_mul(u64::from(self.counters)))
    }

    /// How long an expired state stays recognisably expired. The state
    /// keeps its bucket index modulo 2¹⁶, so a state left alone for
    /// 2¹⁶ − 256 buckets looks up to 256 buckets *ahead*, and current,
    /// again (and then, for a few buckets, recent). A sweep at least this
    /// often drops every state before that: [`crate::RateLimiter::spawn_sweeper`]
    /// sweeps no less often. On a minute's quota this is nine days; on
    /// 10 ms (buckets of 2 ms), 130 s.
    pub fn longest_sweep_period(&self) -> Duration {
        let buckets = (1u64 << 16) - u64::from(AHEAD_SLACK) - u64::from(self.counters);
        Duration::from_nanos(self.bucket_ns.saturating_mul(buckets))
    }

    /// From `now_ns` to the start of bucket `bucket` (zero if it has
    /// begun): the wait of [`Decision::reset`], for the stores that learn
    /// the bucket at which the oldest counted request leaves.
    pub fn until_bucket(&self, bucket: u64, now_ns: u64) -> Duration {
        Duration::from_nanos(bucket.saturating_mul(self.bucket_ns).saturating_sub(now_ns))
    }

    /// The number of counters, `k + 1`.
    pub fn counters(&self) -> u32 {
        self.counters
    }

    /// The quota's limit.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    fn counter_mask(&self) -> u64 {
        (1u64 << self.bits) - 1
    }

    fn field_mask(&self) -> u64 {
        (1u64 << (self.bits * self.counters)) - 1
    }

    /// Buckets elapsed from the stored index to `now_idx`, with "ahead" as 0.
    fn elapsed(stored: u64, now_idx: u64) -> u64 {
        let stored = (stored >> COUNTER_BITS) as u16;
        let diff = (now_idx as u16).wrapping_sub(stored);
        if diff > u16::MAX - AHEAD_SLACK {
            0
        } else {
            u64::from(diff)
        }
    }

    /// Whether a stored state no longer counts anything at `now_ns`, so a
    /// store may drop it.
    pub fn is_expired(&self, state: u64, now_ns: u64) -> bool {
        Self::elapsed(state, now_ns / self.bucket_div) >= u64::from(self.counters)
    }

    /// Decides one request at `now_ns` (nanoseconds on a monotonic clock)
    /// given the client's stored state (`None` for a new client), and
    /// returns the decision and the state to store.
    pub fn decide(&self, state: Option<u64>, now_ns: u64) -> (Decision, u64) {
        let (step, new_state) = self.step(state, self.bucket_index(now_ns));
        (self.decision(step, now_ns), new_state)
    }

    /// The bucket `now_ns` falls in.
    pub fn bucket_index(&self, now_ns: u64) -> u64 {
        now_ns / self.bucket_div
    }

    /// The part of [`Self::decide`] a store runs while it holds the state:
    /// as little as possible, since another core may be waiting for it.
    pub fn step(&self, state: Option<u64>, now_idx: u64) -> (Step, u64) {
        let mut idx = now_idx;
        let mut counts = 0;
        if let Some(state) = state {
            let diff = (now_idx as u16).wrapping_sub((state >> COUNTER_BITS) as u16);
            if diff > u16::MAX - AHEAD_SLACK {
                // Stored a moment ahead: keep its index and its counts.
                idx = now_idx + u64::from(diff.wrapping_neg());
                counts = state & self.field_mask();
            } else if u32::from(diff) < self.counters {
                counts = (state << (u32::from(diff) * self.bits)) & self.field_mask();
            }
        }
        // The counters never add up to more than the limit, so their sum fits
        // one counter: multiplying by 1 + 2^bits + 2^2bits + ... gathers it
        // in the top counter without carries (SWAR).
        let sum = (counts.wrapping_mul(self.ones) >> self.top_shift) & self.counter_mask();
        let allowed = sum < u64::from(self.limit);
        counts += u64::from(allowed);
        let step = Step {
            allowed,
            counts,
            idx,
        };
        (step, ((idx & 0xffff) << COUNTER_BITS) | counts)
    }

    /// The rest of [`Self::decide`], once the state is stored.
    pub fn decision(&self, step: Step, now_ns: u64) -> Decision {
        let Step {
            allowed,
            counts,
            idx,
        } = step;
        let sum = (counts.wrapping_mul(self.ones) >> self.top_shift) & self.counter_mask();
        // The oldest counted bucket (the counter holding the highest set bit)
        // leaves the window at the start of bucket `idx - oldest + counters`.
        // With nothing counted, nothing to wait for.
        let reset = if counts == 0 {
            Duration::ZERO
        } else {
            let top = u64::BITS - 1 - counts.leading_zeros();
            let oldest = (top * self.bits_recip) >> RECIPROCAL_SHIFT;
            self.until_bucket(idx + u64::from(self.counters) - u64::from(oldest), now_ns)
        };
        Decision {
            allowed,
            limit: self.limit,
            remaining: u64::from(self.limit).saturating_sub(sum) as u32,
            reset,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn window(limit: u32, secs: u64) -> Window {
        Window::new(Quota::new(NonZeroU32::new(limit).unwrap(), Duration::from_secs(secs)).unwrap())
    }

    const S: u64 = 1_000_000_000;

    #[test]
    fn the_reciprocal_divides_every_bit_index_exactly() {
        for bits in 1..=32 {
            for i in 0..64 {
                assert_eq!(
                    (i * reciprocal(bits)) >> RECIPROCAL_SHIFT,
                    i / bits,
                    "{i} / {bits}"
                );
            }
        }
    }

    #[test]
    fn counter_layout_follows_the_limit() {
        for (limit, counters) in [
            (1, 6),
            (60, 6),
            (255, 6),
            (256, 5),
            (511, 5),
            (512, 4),
            (4095, 4),
            (4096, 3),
            (65535, 3),
            (65536, 2),
            (crate::MAX_LIMIT, 2),
        ] {
            let w = window(limit, 60);
            assert_eq!(w.counters, counters, "limit {limit}");
            assert!(w.bits * w.counters <= COUNTER_BITS);
            assert!(u64::from(limit) <= w.counter_mask());
            assert!(w.bucket_ns * u64::from(w.counters - 1) >= 60 * S);
        }
    }

    #[test]
    fn admits_the_limit_then_refuses_then_recovers() {
        let w = window(3, 60); // 6 counters, 12 s buckets
        let mut state = None;
        let t0 = 1000 * S;
        for expected_remaining in [2, 1, 0] {
            let (d, s) = w.decide(state, t0);
            assert!(d.allowed);
            assert_eq!(d.remaining, expected_remaining);
            state = Some(s);
        }
        let (d, s) = w.decide(state, t0 + S);
        assert!(!d.allowed);
        assert_eq!(d.remaining, 0);
        // t0 is the start of bucket 83 (1000 / 12 = 83.3): it frees at the
        // start of bucket 83 + 6 = 89, i.e. 1068 s.
        let frees = 89 * 12 * S;
        assert_eq!(
            d.retry_after(),
            Some(Duration::from_nanos(frees - (t0 + S)))
        );
        state = Some(s);
        let (d, _) = w.decide(state, frees - 1);
        assert!(!d.allowed);
        let (d, _) = w.decide(state, frees);
        assert!(d.allowed);
        assert_eq!(d.remaining, 2);
    }

    #[test]
    fn a_state_from_a_moment_ahead_counts_as_current() {
        let w = window(2, 60);
        let (_, s) = w.decide(None, 100 * 12 * S);
        let (_, s) = w.decide(Some(s), 100 * 12 * S);
        // A thread that read the clock one bucket earlier must not see an
        // expired window.
        let (d, _) = w.decide(Some(s), 99 * 12 * S);
        assert!(!d.allowed);
    }

    #[test]
    fn expiry_matches_decisions() {
        let w = window(5, 60);
        let (_, s) = w.decide(None, 0);
        assert!(!w.is_expired(s, 0));
        assert!(!w.is_expired(s, 6 * 12 * S - 1));
        assert!(w.is_expired(s, 6 * 12 * S));
        assert_eq!(w.state_ttl(), Duration::from_secs(72));
    }
}
