//! The memory store: bounded, swept, and counting its evictions.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use alphaguard_rate_limit::{ClientKey, FakeClock, MemoryStore, Quota, RateLimiter, StateStore};

fn key(n: u32) -> ClientKey {
    ClientKey::from_ip(Ipv4Addr::from(n).into(), 64)
}

#[test]
fn a_flood_of_addresses_stays_under_the_cap() {
    let clock = FakeClock::default();
    let limiter = RateLimiter::with_store_and_clock(seed(), MemoryStore::new(6400), clock.clone());
    for n in 0..100_000 {
        assert!(limiter.check(tier("read"), &key(n)).allowed);
    }
    let store = limiter.store();
    assert!(
        store.len() <= store.max_clients(),
        "{} > {}",
        store.len(),
        store.max_clients()
    );
    assert!(store.len() >= store.max_clients() * 15 / 16 - 64);
    assert!(store.evictions() >= 100_000 - store.max_clients() as u64);
    // A tracked client is still limited.
    let hot = key(99_999);
    while limiter.check(tier("read"), &hot).allowed {}
    assert!(!limiter.check(tier("read"), &hot).allowed);
}

#[test]
fn expired_states_go_before_live_ones() {
    let clock = FakeClock::default();
    let limiter = RateLimiter::with_store_and_clock(seed(), MemoryStore::new(6400), clock.clone());
    for n in 0..6400 {
        limiter.check(tier("read"), &key(n));
    }
    // (Shards fill unevenly, so the first flood may already evict a few.)
    let before = limiter.store().evictions();
    // Once their windows have passed, a new flood of the same size replaces
    // them without evicting one live state... as long as no shard gets more
    // new keys than it holds; so use half as many.
    clock.advance(Duration::from_secs(73));
    for n in 10_000..13_200 {
        limiter.check(tier("read"), &key(n));
    }
    assert_eq!(limiter.store().evictions(), before);
}

#[test]
fn sweep_drops_only_what_counts_nothing() {
    let clock = FakeClock::default();
    let limiter = RateLimiter::with_store_and_clock(seed(), MemoryStore::default(), clock.clone());
    for n in 0..500 {
        limiter.check(tier("probe"), &key(n));
        limiter.check(tier("write"), &key(n));
    }
    clock.advance(Duration::from_secs(60));
    for n in 0..100 {
        limiter.check(tier("write"), &key(n));
    }
    assert_eq!(limiter.store().len(), 1000);
    // At 72 s the first requests leave every window; the later 100 stay.
    clock.advance(Duration::from_secs(12));
    assert_eq!(limiter.sweep(), 900);
    assert_eq!(limiter.store().len(), 100);
    // A swept client starts afresh, a kept one does not.
    for _ in 0..9 {
        assert!(limiter.check(tier("write"), &key(1)).allowed);
    }
    assert!(!limiter.check(tier("write"), &key(1)).allowed);
}

#[test]
fn the_background_sweeper_runs_and_stops() {
    let clock = FakeClock::default();
    let limiter = Arc::new(RateLimiter::with_store_and_clock(
        seed(),
        MemoryStore::default(),
        clock.clone(),
    ));
    for n in 0..50 {
        limiter.check(tier("read"), &key(n));
    }
    clock.advance(Duration::from_secs(3600));
    let sweeper = limiter.spawn_sweeper(Duration::from_millis(10));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !limiter.store().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(limiter.store().is_empty());
    drop(sweeper);
}

/// A state keeps its bucket index modulo 2^16: left alone for 65,280
/// buckets it would look current again, refusing a client that has been
/// away (an outside review: refused for 184 s on a minute's quota, nine
/// days on). The sweeper sweeps often enough to drop it first.
#[test]
fn the_sweeper_drops_idle_states_before_they_look_current_again() {
    use std::num::NonZeroU32;
    let fast = Quota::new(NonZeroU32::new(3).unwrap(), Duration::from_millis(10)).unwrap();
    let mut tiers = seed();
    let burst = tiers.add("burst", fast).unwrap();
    let clock = FakeClock::default();
    let limiter = Arc::new(RateLimiter::with_store_and_clock(
        tiers,
        MemoryStore::default(),
        clock.clone(),
    ));
    let window = *limiter.window(burst).unwrap();
    // Buckets of 2 ms, six counters: 65,274 buckets.
    assert_eq!(
        window.longest_sweep_period(),
        Duration::from_millis(2 * 65_274)
    );
    let sweeper = limiter.spawn_sweeper(Duration::from_secs(600));
    assert_eq!(sweeper.period(), window.longest_sweep_period());
    drop(sweeper);
    // A minute's tiers alone keep the period asked for.
    let minute = Arc::new(RateLimiter::with_store_and_clock(
        seed(),
        MemoryStore::default(),
        clock.clone(),
    ));
    assert_eq!(
        minute.spawn_sweeper(Duration::from_secs(600)).period(),
        Duration::from_secs(600)
    );
    // Why: three requests fill the window; one sweep period after they
    // left it the state is still expired (so a sweep then drops it), and
    // 256 buckets later it would count as current.
    let start = 1_000_000_000_000_u64;
    let mut state = None;
    for _ in 0..3 {
        let (d, next) = window.decide(state, start);
        assert!(d.allowed);
        state = Some(next);
    }
    let state_at = |ns: u64| window.is_expired(state.unwrap(), ns);
    let bucket = 2_000_000;
    assert!(!state_at(start));
    assert!(state_at(start + 6 * bucket));
    assert!(state_at(start + (6 + 65_274 - 1) * bucket));
    assert!(!state_at(start + 65_280 * bucket));
}

#[test]
fn threads_racing_on_one_store_admit_exactly_the_quota() {
    // Four threads hammer one hot client while inserting new clients into
    // the same shards (write locks) and a fifth sweeps: the hot client gets
    // exactly its quota, every new client exactly one admission, whatever
    // the interleaving.
    use std::num::NonZeroU32;
    use std::sync::atomic::{AtomicU32, Ordering};

    let quota =
        alphaguard_rate_limit::Quota::new(NonZeroU32::new(5000).unwrap(), Duration::from_secs(60))
            .unwrap();
    let limiter = Arc::new(RateLimiter::with_store_and_clock(
        uniform(quota),
        MemoryStore::new(1_000_000),
        FakeClock::default(),
    ));
    let hot = key(7);
    let admitted = AtomicU32::new(0);
    let fresh_admitted = AtomicU32::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                limiter.sweep();
            }
        });
        let workers: Vec<_> = (0..4u32)
            .map(|t| {
                let (limiter, admitted, fresh_admitted) = (&limiter, &admitted, &fresh_admitted);
                s.spawn(move || {
                    for i in 0..4000u32 {
                        if limiter.check(tier("read"), &hot).allowed {
                            admitted.fetch_add(1, Ordering::Relaxed);
                        }
                        // A client nobody else uses: admitted once, then
                        // counted, never lost to a racing insert.
                        let fresh = key(1_000_000 + t * 4000 + i);
                        if limiter.check(tier("read"), &fresh).allowed {
                            fresh_admitted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert_eq!(admitted.load(Ordering::Relaxed), 5000);
    assert_eq!(fresh_admitted.load(Ordering::Relaxed), 16_000);
    assert_eq!(limiter.check(tier("read"), &hot).remaining, 0);
    assert_eq!(limiter.store().len(), 16_001);
    assert_eq!(limiter.store().evictions(), 0);
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
