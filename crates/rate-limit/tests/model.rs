//! The limiter against a brute-force sliding log: over random limits,
//! windows and arrival sequences it never admits more than N in any window
//! of W, and refuses only when N were admitted within (k + 1) buckets.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::num::NonZeroU32;
use std::time::Duration;

use alphaguard_rate_limit::{ClientKey, FakeClock, MemoryStore, Quota, RateLimiter};
use proptest::prelude::*;

fn limiter(limit: u32, period_ms: u64) -> (RateLimiter<MemoryStore, FakeClock>, FakeClock) {
    let quota = Quota::new(
        NonZeroU32::new(limit).unwrap(),
        Duration::from_millis(period_ms),
    )
    .unwrap();
    let clock = FakeClock::default();
    let l =
        RateLimiter::with_store_and_clock(uniform(quota), MemoryStore::new(1024), clock.clone());
    (l, clock)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_over_admits_and_under_admits_by_at_most_a_bucket(
        limit in prop_oneof![1u32..8, 8u32..300, 300u32..5000, Just(70_000u32)],
        period_ms in 10u64..120_000,
        start_ms in 0u64..10_000_000,
        // Gaps in units of a thousandth of the period, so every scale of
        // window sees bursts, trickles and long pauses.
        gaps in proptest::collection::vec(prop_oneof![Just(0u64), 0u64..20, 0u64..400, 0u64..3000], 1..600),
    ) {
        let (limiter, clock) = limiter(limit, period_ms);
        let window_ns = period_ms * 1_000_000;
        let reach_ns = u64::try_from(
            (limiter.window(tier("read")).unwrap().bucket() * limiter.window(tier("read")).unwrap().counters()).as_nanos(),
        ).unwrap();
        let key = ClientKey::from_ip("192.0.2.1".parse().unwrap(), 64);
        let mut now = start_ms * 1_000_000;
        let mut admitted: Vec<u64> = Vec::new();
        for gap in gaps {
            now += gap * window_ns / 1000;
            clock.set(now);
            let d = limiter.check(tier("read"), &key);
            // The reference: admissions within reach of now.
            let recent = admitted.iter().filter(|&&a| a + reach_ns > now).count() as u32;
            if d.allowed {
                admitted.push(now);
                prop_assert!(d.remaining < limit);
            } else {
                prop_assert!(recent >= limit, "refused with only {recent} of {limit} in reach");
                prop_assert!(d.retry_after().unwrap() > Duration::ZERO);
                prop_assert!(d.retry_after().unwrap() <= Duration::from_nanos(reach_ns));
            }
        }
        // Any window [a, a + W) starting at an admission holds at most N.
        for (i, &a) in admitted.iter().enumerate() {
            let in_window = admitted[i..].iter().take_while(|&&b| b < a + window_ns).count() as u32;
            prop_assert!(in_window <= limit, "{in_window} admitted in one window of {period_ms} ms (limit {limit})");
        }
    }

    #[test]
    fn retry_after_is_when_a_request_is_admitted_again(
        limit in 1u32..50,
        period_ms in 100u64..100_000,
        burst_at in 0u64..1_000_000_000_000,
    ) {
        let (limiter, clock) = limiter(limit, period_ms);
        let key = ClientKey::from_ip("192.0.2.2".parse().unwrap(), 64);
        clock.set(burst_at);
        for _ in 0..limit {
            prop_assert!(limiter.check(tier("write"), &key).allowed);
        }
        let refused = limiter.check(tier("write"), &key);
        prop_assert!(!refused.allowed);
        let wait = u64::try_from(refused.retry_after().unwrap().as_nanos()).unwrap();
        clock.set(burst_at + wait - 1);
        prop_assert!(!limiter.check(tier("write"), &key).allowed, "admitted before Retry-After");
        clock.set(burst_at + wait);
        prop_assert!(limiter.check(tier("write"), &key).allowed, "still refused at Retry-After");
    }
}

#[test]
fn tiers_and_clients_count_separately() {
    let (limiter, _clock) = limiter(2, 60_000);
    let a = ClientKey::from_ip("192.0.2.1".parse().unwrap(), 64);
    let b = ClientKey::from_ip("192.0.2.2".parse().unwrap(), 64);
    for _ in 0..2 {
        assert!(limiter.check(tier("write"), &a).allowed);
    }
    assert!(!limiter.check(tier("write"), &a).allowed);
    assert!(limiter.check(tier("read"), &a).allowed);
    assert!(limiter.check(tier("probe"), &a).allowed);
    assert!(limiter.check(tier("write"), &b).allowed);
}

#[test]
fn two_threads_on_one_key_share_one_budget() {
    let (limiter, _clock) = limiter(1000, 60_000);
    let key = ClientKey::from_ip("192.0.2.7".parse().unwrap(), 64);
    let admitted: u32 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..1000)
                        .filter(|_| limiter.check(tier("read"), &key).allowed)
                        .count() as u32
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(admitted, 1000);
}

/// The seed's three tiers (probe 60, read 30, write 10 per minute).
#[allow(dead_code)]
fn seed() -> alphaguard_rate_limit::Tiers {
    let per_min = |n: u32| alphaguard_rate_limit::Quota::per_minute(n.try_into().unwrap()).unwrap();
    let mut tiers = alphaguard_rate_limit::Tiers::new();
    for (name, n) in [("probe", 60), ("read", 30), ("write", 10)] {
        tiers.add(name, per_min(n)).unwrap();
    }
    tiers
}

/// Three tiers named like the seed's, each with `quota`.
#[allow(dead_code)]
fn uniform(quota: alphaguard_rate_limit::Quota) -> alphaguard_rate_limit::Tiers {
    let mut tiers = alphaguard_rate_limit::Tiers::new();
    for name in ["probe", "read", "write"] {
        tiers.add(name, quota).unwrap();
    }
    tiers
}

/// A tier of [`seed`] (and [`uniform`]) by name.
#[allow(dead_code)]
fn tier(name: &str) -> alphaguard_rate_limit::Tier {
    seed().get(name).unwrap()
}
