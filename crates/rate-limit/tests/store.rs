//! The memory store: bounded, swept, and counting its evictions.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use alphaguard_rate_limit::{
    ClientKey, FakeClock, MemoryStore, RateLimiter, StateStore, Tier, Tiers,
};

fn key(n: u32) -> ClientKey {
    ClientKey::from_ip(Ipv4Addr::from(n).into(), 64)
}

#[test]
fn a_flood_of_addresses_stays_under_the_cap() {
    let clock = FakeClock::default();
    let limiter = RateLimiter::with_store_and_clock(
        Tiers::SEED_DEFAULTS,
        MemoryStore::new(6400),
        clock.clone(),
    );
    for n in 0..100_000 {
        assert!(limiter.check(Tier::Read, &key(n)).allowed);
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
    while limiter.check(Tier::Read, &hot).allowed {}
    assert!(!limiter.check(Tier::Read, &hot).allowed);
}

#[test]
fn expired_states_go_before_live_ones() {
    let clock = FakeClock::default();
    let limiter = RateLimiter::with_store_and_clock(
        Tiers::SEED_DEFAULTS,
        MemoryStore::new(6400),
        clock.clone(),
    );
    for n in 0..6400 {
        limiter.check(Tier::Read, &key(n));
    }
    // (Shards fill unevenly, so the first flood may already evict a few.)
    let before = limiter.store().evictions();
    // Once their windows have passed, a new flood of the same size replaces
    // them without evicting one live state... as long as no shard gets more
    // new keys than it holds; so use half as many.
    clock.advance(Duration::from_secs(73));
    for n in 10_000..13_200 {
        limiter.check(Tier::Read, &key(n));
    }
    assert_eq!(limiter.store().evictions(), before);
}

#[test]
fn sweep_drops_only_what_counts_nothing() {
    let clock = FakeClock::default();
    let limiter = RateLimiter::with_store_and_clock(
        Tiers::SEED_DEFAULTS,
        MemoryStore::default(),
        clock.clone(),
    );
    for n in 0..500 {
        limiter.check(Tier::Probe, &key(n));
        limiter.check(Tier::Write, &key(n));
    }
    clock.advance(Duration::from_secs(60));
    for n in 0..100 {
        limiter.check(Tier::Write, &key(n));
    }
    assert_eq!(limiter.store().len(), 1000);
    // At 72 s the first requests leave every window; the later 100 stay.
    clock.advance(Duration::from_secs(12));
    assert_eq!(limiter.sweep(), 900);
    assert_eq!(limiter.store().len(), 100);
    // A swept client starts afresh, a kept one does not.
    for _ in 0..9 {
        assert!(limiter.check(Tier::Write, &key(1)).allowed);
    }
    assert!(!limiter.check(Tier::Write, &key(1)).allowed);
}

#[test]
fn the_background_sweeper_runs_and_stops() {
    let clock = FakeClock::default();
    let limiter = Arc::new(RateLimiter::with_store_and_clock(
        Tiers::SEED_DEFAULTS,
        MemoryStore::default(),
        clock.clone(),
    ));
    for n in 0..50 {
        limiter.check(Tier::Read, &key(n));
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
        Tiers::new(quota, quota, quota),
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
                        if limiter.check(Tier::Read, &hot).allowed {
                            admitted.fetch_add(1, Ordering::Relaxed);
                        }
                        // A client nobody else uses: admitted once, then
                        // counted, never lost to a racing insert.
                        let fresh = key(1_000_000 + t * 4000 + i);
                        if limiter.check(Tier::Read, &fresh).allowed {
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
    assert_eq!(limiter.check(Tier::Read, &hot).remaining, 0);
    assert_eq!(limiter.store().len(), 16_001);
    assert_eq!(limiter.store().evictions(), 0);
}
