//! The Redis limiter against a real `redis-server` on a free loopback port.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::net::Ipv4Addr;
use std::num::NonZeroU32;
use std::time::Duration;

use alphaguard_rate_limit::{
    ClientKey, FailurePolicy, FakeClock, MemoryStore, Quota, RateLimiter, RedisLimiter, Tiers,
};
use alphaguard_test_support::RedisServer;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

fn tiers(limit: u32, period: Duration) -> Tiers {
    let q = Quota::new(NonZeroU32::new(limit).unwrap(), period).unwrap();
    uniform(q)
}

async fn connect(server: &RedisServer) -> ConnectionManager {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_millis(500)))
        .set_number_of_retries(1);
    ConnectionManager::new_with_config(redis::Client::open(server.url()).unwrap(), config)
        .await
        .unwrap()
}

async fn limiter(
    server: &RedisServer,
    tiers: Tiers,
    policy: FailurePolicy,
    clock: &FakeClock,
) -> RedisLimiter<FakeClock> {
    RedisLimiter::from_connection(connect(server).await, tiers, policy, clock.clone())
}

/// A clock at `nanos` and a fail-closed limiter of the seed tiers on it.
async fn seeded(server: &RedisServer, nanos: u64) -> (FakeClock, RedisLimiter<FakeClock>) {
    let clock = FakeClock::default();
    clock.set(nanos);
    let l = limiter(server, seed(), FailurePolicy::FailClosed, &clock).await;
    (clock, l)
}

fn key(n: u32) -> ClientKey {
    ClientKey::from_ip(Ipv4Addr::from(n).into(), 64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_enforce_one_budget() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    clock.set(1_700_000_000_000_000_000);
    let t = tiers(50, Duration::from_secs(60));
    let a =
        std::sync::Arc::new(limiter(&server, t.clone(), FailurePolicy::FailClosed, &clock).await);
    let b = std::sync::Arc::new(limiter(&server, t, FailurePolicy::FailClosed, &clock).await);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let l = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            l.check(tier("write"), &key(1)).await.allowed
        }));
    }
    let mut admitted = 0;
    for t in tasks {
        admitted += u32::from(t.await.unwrap());
    }
    assert_eq!(admitted, 50);
    assert_eq!(a.store_failures() + b.store_failures(), 0);
    assert_eq!(a.denials(tier("write")) + b.denials(tier("write")), 150);
}

#[tokio::test]
async fn same_decisions_as_the_memory_store() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    let conn = connect(&server).await;
    let mut runner = TestRunner::new(ProptestConfig::with_cases(24));
    // Limits up to 255 keep six counters; 256 to 65,535 keep five down to
    // two, each a state of another length.
    let cases = (
        prop_oneof![1u32..40, 256u32..70_000],
        1_000u64..90_000,
        proptest::collection::vec(0u64..3000, 1..120),
    );
    // Random cases from proptest's generator, run against both stores.
    let samples: Vec<_> = (0..24)
        .map(|_| cases.new_tree(&mut runner).unwrap().current())
        .collect();
    for (n, (limit, period_ms, gaps)) in samples.into_iter().enumerate() {
        let t = tiers(limit, Duration::from_millis(period_ms));
        let redis = RedisLimiter::from_connection(
            conn.clone(),
            t.clone(),
            FailurePolicy::FailClosed,
            clock.clone(),
        )
        .with_prefix(format!("case{n}:"));
        let memory = RateLimiter::with_store_and_clock(t, MemoryStore::new(64), clock.clone());
        // A clock off whole milliseconds: the script counts in ms, the
        // wait is reckoned from the caller's clock in ns.
        let mut now_ns: u64 = 1_700_000_000_000_000_000 + 123_457;
        for gap in gaps {
            now_ns += gap * period_ms * 1_000 + 310_007;
            clock.set(now_ns);
            let r = redis.try_check(tier("read"), &key(9)).await.unwrap();
            let m = memory.check(tier("read"), &key(9));
            assert_eq!(
                (r.allowed, r.remaining),
                (m.allowed, m.remaining),
                "case {n} at {now_ns}"
            );
            assert_eq!(r.reset, m.reset, "case {n} at {now_ns}");
        }
    }
}

/// Replicas whose clocks disagree: a state written a few buckets ahead of
/// this replica's clock counts as current, one written far ahead as none,
/// in Redis as in the memory store.
#[tokio::test]
async fn a_state_from_a_clock_ahead_decides_as_the_memory_store() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    let t = seed();
    let redis = limiter(&server, t.clone(), FailurePolicy::FailClosed, &clock).await;
    let memory = RateLimiter::with_store_and_clock(t, MemoryStore::new(64), clock.clone());
    // The write tier: 10 a minute, buckets of 12 s.
    let write = tier("write");
    let bucket_ms = 12_000u64;
    let start_ms = 1_700_000_000_000u64;
    // Offsets from the start, in buckets: six requests now, six from a
    // clock four buckets behind (the state is ahead of it: the last two
    // are refused), three from one 300 behind (further than the 256 a
    // state may be ahead: a fresh window), then forward again.
    let steps: [i64; 19] = [
        0, 0, 0, 0, 0, 0, -4, -4, -4, -4, -4, -4, -300, -300, -300, 1, 1, 80, 90,
    ];
    let mut refused = 0;
    for (n, step) in steps.into_iter().enumerate() {
        let now_ms = start_ms.saturating_add_signed(step * bucket_ms as i64) + n as u64;
        clock.set(now_ms * 1_000_000);
        let r = redis.try_check(write, &key(8)).await.unwrap();
        let m = memory.check(write, &key(8));
        assert_eq!(r, m, "step {n} at {step} buckets");
        refused += u32::from(!r.allowed);
    }
    assert_eq!(refused, 2);
}

#[tokio::test]
async fn state_expires_by_itself_and_survives_a_script_flush() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (_, l) = seeded(&server, 1_000_000_000_000_000_000).await;
    assert!(l.check(tier("probe"), &key(5)).await.allowed);
    let redis_key = l.state_key(tier("probe"), &key(5));
    assert!(redis_key.starts_with("alphaguard:rl:probe:"));
    let pttl: i64 = server
        .command(&["PTTL", &redis_key])
        .trim()
        .trim_start_matches(':')
        .parse()
        .unwrap();
    assert!((71_000..=72_000).contains(&pttl), "{pttl}");
    // EVALSHA falls back to loading the script again.
    assert!(server.command(&["SCRIPT", "FLUSH"]).starts_with("+OK"));
    let d = l.try_check(tier("probe"), &key(5)).await.unwrap();
    assert_eq!(d.remaining, 58);
}

#[tokio::test]
async fn a_refused_request_writes_nothing() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    let start_ms: u64 = 1_700_000_000_000;
    clock.set(start_ms * 1_000_000);
    let l = limiter(&server, seed(), FailurePolicy::FailClosed, &clock).await;
    // 10 a minute, in six buckets of 12 s.
    let write = tier("write");
    for n in 1..=10u32 {
        let d = l.try_check(write, &key(4)).await.unwrap();
        assert_eq!((d.allowed, d.remaining), (true, 10 - n));
    }
    let redis_key = l.state_key(write, &key(4));
    let conn = connect(&server).await;
    let state = |mut conn: ConnectionManager, k: String| async move {
        let raw: Vec<u8> = redis::cmd("GET")
            .arg(&k)
            .query_async(&mut conn)
            .await
            .unwrap();
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&k)
            .query_async(&mut conn)
            .await
            .unwrap();
        (raw, ttl)
    };
    let (before, ttl_before) = state(conn.clone(), redis_key.clone()).await;
    assert_eq!(before.len(), 9 + 8 * 6);
    // A bucket later the ten still count: refused, and the state is the
    // one the last admitted request wrote (not moved to the new bucket),
    // its expiry not pushed back.
    for later_ms in [0, 12_000, 59_999] {
        clock.set((start_ms + later_ms) * 1_000_000);
        let d = l.try_check(write, &key(4)).await.unwrap();
        assert!(!d.allowed, "{later_ms}");
        assert_eq!(d.remaining, 0);
        let (after, ttl_after) = state(conn.clone(), redis_key.clone()).await;
        assert_eq!(after, before, "{later_ms}");
        assert!(ttl_after <= ttl_before, "{ttl_after} > {ttl_before}");
    }
    assert_eq!(l.denials(write), 3);
    // Once the window is past, the same state admits again.
    clock.set((start_ms + 72_000) * 1_000_000);
    let d = l.try_check(write, &key(4)).await.unwrap();
    assert_eq!((d.allowed, d.remaining), (true, 9));
}

#[tokio::test]
async fn the_text_state_of_earlier_versions_is_read_and_anything_else_is_none() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    // 1.7e12 ms: bucket 141,666,666 of the probe tier's six 12 s buckets.
    clock.set(1_700_000_000_000_000_000);
    let l = limiter(&server, seed(), FailurePolicy::FailClosed, &clock).await;
    let redis_key = l.state_key(tier("probe"), &key(6));
    // A window in progress, as the text script wrote it: 59 of 60 used
    // (40 now, 19 two buckets ago), so one more is admitted, then none.
    assert!(
        server
            .command(&["SET", &redis_key, "141666666 40 0 19 0 0 0"])
            .starts_with("+OK")
    );
    let d = l.try_check(tier("probe"), &key(6)).await.unwrap();
    assert_eq!((d.allowed, d.remaining), (true, 0));
    assert!(!l.try_check(tier("probe"), &key(6)).await.unwrap().allowed);
    // Anything else counts as none: a fresh window.
    let fresh = l.try_check(tier("probe"), &key(7)).await.unwrap();
    for other in [
        "",
        "\u{1}",
        "141666666 40 0",
        "not a state at all, 57 bytes long .......................",
        // Digits among other text, a fraction, a negative counter, a
        // counter above the limit: not the text form.
        "x141666666y5z0a0b0c0d0",
        "141666666 1.5 0 0 0 0",
        "141666666 -1000 0 0 0 0 0",
        "141666666 61 0 0 0 0 0",
    ] {
        assert!(
            server
                .command(&["SET", &redis_key, other])
                .starts_with("+OK")
        );
        let d = l.try_check(tier("probe"), &key(6)).await.unwrap();
        assert_eq!(
            (d.allowed, d.remaining),
            (fresh.allowed, fresh.remaining),
            "{other:?}"
        );
    }
}

/// A binary state planted at the key, or a value of another type, that is
/// not whole counts as none: never room beyond the limit (a negative or
/// infinite counter), never a failure that refuses for good (a hash).
#[tokio::test]
async fn a_planted_state_counts_as_none() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (_, l) = seeded(&server, 1_700_000_000_000_000_000).await;
    let mut conn = connect(&server).await;
    let probe = tier("probe");
    let fresh = l.try_check(probe, &key(70)).await.unwrap();
    assert_eq!((fresh.allowed, fresh.remaining), (true, 59));
    // Version 1: the bucket index and six counters as big-endian doubles.
    let state = |idx: f64, counters: [f64; 6]| {
        let mut bytes = vec![1u8];
        for x in std::iter::once(idx).chain(counters) {
            bytes.extend_from_slice(&x.to_be_bytes());
        }
        bytes
    };
    let now = 141_666_666.0;
    let planted = [
        state(now, [-1000.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        state(now, [f64::NEG_INFINITY, 0.0, 0.0, 0.0, 0.0, 0.0]),
        state(now, [f64::NAN, 0.0, 0.0, 0.0, 0.0, 0.0]),
        state(now, [f64::INFINITY, 0.0, 0.0, 0.0, 0.0, 0.0]),
        state(now, [2.5, 0.0, 0.0, 0.0, 0.0, 0.0]),
        state(now, [0.0, 61.0, 0.0, 0.0, 0.0, 0.0]),
        state(f64::NAN, [30.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        state(now + 0.5, [30.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
    ];
    for (n, bytes) in planted.iter().enumerate() {
        let k = l.state_key(probe, &key(71 + n as u32));
        let _: () = redis::cmd("SET")
            .arg(&k)
            .arg(bytes.as_slice())
            .query_async(&mut conn)
            .await
            .unwrap();
        let d = l.try_check(probe, &key(71 + n as u32)).await.unwrap();
        assert_eq!(d, fresh, "planted state {n}");
    }
    // The same layout, whole: read as it is.
    let k = l.state_key(probe, &key(90));
    let _: () = redis::cmd("SET")
        .arg(&k)
        .arg(state(now, [30.0, 0.0, 0.0, 0.0, 0.0, 29.0]).as_slice())
        .query_async(&mut conn)
        .await
        .unwrap();
    let d = l.try_check(probe, &key(90)).await.unwrap();
    assert_eq!((d.allowed, d.remaining), (true, 0));
    // A hash at the key: none, and replaced by the state.
    let k = l.state_key(probe, &key(91));
    let _: () = redis::cmd("HSET")
        .arg(&k)
        .arg("a")
        .arg("b")
        .query_async(&mut conn)
        .await
        .unwrap();
    for remaining in [59, 58] {
        let d = l.try_check(probe, &key(91)).await.unwrap();
        assert_eq!((d.allowed, d.remaining), (true, remaining));
    }
    assert_eq!(l.store_failures(), 0);
}

#[tokio::test]
async fn several_tiers_in_one_pipeline_count_as_separate_checks() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (_, l) = seeded(&server, 1_000_000_000_000_000_000).await;
    let (probe, read, write) = (tier("probe"), tier("read"), tier("write"));
    // A fourth tier, from another limiter's set: this one has three.
    let mut more = seed();
    let unknown = more
        .add("extra", Quota::per_minute(NonZeroU32::MIN).unwrap())
        .unwrap();
    assert!(l.try_check_tiers(&[], &key(9)).await.unwrap().is_empty());
    for n in 1..=12u32 {
        let d = l
            .try_check_tiers(&[probe, unknown, write, read], &key(9))
            .await
            .unwrap();
        assert_eq!(d.len(), 4);
        assert_eq!((d[0].allowed, d[0].remaining), (true, 60 - n));
        assert!(!d[1].allowed, "an unknown tier is refused");
        assert_eq!(d[2].allowed, n <= 10, "write allows 10");
        assert_eq!(d[2].remaining, 10u32.saturating_sub(n));
        assert_eq!((d[3].allowed, d[3].remaining), (true, 30 - n));
        if n == 6 {
            // The pipeline reloads the script after a flush.
            assert!(server.command(&["SCRIPT", "FLUSH"]).starts_with("+OK"));
        }
    }
    // The same state a single check reads.
    let d = l.try_check(read, &key(9)).await.unwrap();
    assert_eq!(d.remaining, 30 - 13);
}

#[tokio::test]
async fn a_long_prefix_still_names_the_state_key() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    clock.set(1_000_000_000_000_000_000);
    let prefix = format!("{}:", "p".repeat(150));
    let l = limiter(&server, seed(), FailurePolicy::FailClosed, &clock)
        .await
        .with_prefix(prefix.clone());
    assert!(l.check(tier("write"), &key(3)).await.allowed);
    let redis_key = l.state_key(tier("write"), &key(3));
    assert!(redis_key.starts_with(&prefix));
    assert_eq!(server.command(&["EXISTS", &redis_key]).trim(), ":1");
}

#[tokio::test]
async fn failure_policy_fires_and_recovery_needs_no_rebuild() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let clock = FakeClock::default();
    clock.set(1_000_000_000_000_000_000);
    let closed = limiter(&server, seed(), FailurePolicy::FailClosed, &clock).await;
    let open = limiter(&server, seed(), FailurePolicy::FailOpen, &clock).await;
    assert!(closed.check(tier("read"), &key(1)).await.allowed);
    server.stop();

    let d = tokio::time::timeout(Duration::from_secs(10), closed.check(tier("read"), &key(1)))
        .await
        .unwrap();
    assert!(!d.allowed);
    assert_eq!(d.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(closed.store_failures(), 1);
    let d = tokio::time::timeout(Duration::from_secs(10), open.check(tier("read"), &key(1)))
        .await
        .unwrap();
    assert!(d.allowed);
    assert_eq!(open.store_failures(), 1);

    server.restart();
    let mut recovered = None;
    for _ in 0..50 {
        if let Ok(d) = closed.try_check(tier("read"), &key(1)).await {
            recovered = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A fresh server has no state: the first check starts a new window.
    assert_eq!(
        recovered.map(|d| (d.allowed, d.remaining)),
        Some((true, 29))
    );
}

#[tokio::test]
async fn a_bad_url_is_refused_without_echoing_it() {
    let err = RedisLimiter::connect("redis://:hunter2@", seed(), FailurePolicy::FailClosed)
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
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

#[tokio::test]
async fn a_lazy_limiter_starts_before_redis_and_connects_when_it_comes() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    server.stop();
    // Nothing listens: the limiter is made all the same.
    let limiter =
        RedisLimiter::connect_lazy(&server.url(), seed(), FailurePolicy::FailClosed).unwrap();
    assert!(limiter.ping().await.is_err());
    let d = tokio::time::timeout(
        Duration::from_secs(10),
        limiter.check(tier("read"), &key(1)),
    )
    .await
    .unwrap();
    assert!(!d.allowed, "fails closed while Redis is away");
    assert_eq!(limiter.store_failures(), 1);

    server.restart();
    let mut connected = false;
    for _ in 0..50 {
        if limiter.ping().await.is_ok() {
            connected = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(connected, "never reconnected");
    let d = limiter.try_check(tier("read"), &key(1)).await.unwrap();
    assert_eq!((d.allowed, d.remaining), (true, 29));
    assert!(
        RedisLimiter::connect_lazy("redis://:hunter2@", seed(), FailurePolicy::FailClosed)
            .is_err_and(|e| !e.to_string().contains("hunter2"))
    );
}

/// The number of `EVALSHA` calls Redis has served since its statistics
/// were last reset.
fn evalsha_calls(server: &RedisServer) -> u64 {
    let stats = server.command(&["INFO", "commandstats"]);
    stats
        .lines()
        .find_map(|line| line.strip_prefix("cmdstat_evalsha:calls="))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |n| n.parse().unwrap())
}

/// Checks made at the same time share script calls, and decide as if
/// they had been made one after another: one client's sixty-four
/// concurrent checks admit exactly its limit, and the same count of each
/// of many clients' checks is admitted as separate calls would admit.
#[tokio::test]
async fn concurrent_checks_share_calls_and_never_over_admit() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (_, l) = seeded(&server, 1_000_000_000_000_000_000).await;
    let write = tier("write");
    // Loads the script, so that the calls counted below are checks only.
    assert!(l.try_check(write, &key(500)).await.unwrap().allowed);
    assert!(server.command(&["CONFIG", "RESETSTAT"]).starts_with("+OK"));
    // One client, sixty-four checks at once: write allows ten.
    let seven = key(7);
    let same: Vec<_> = (0..64).map(|_| l.try_check(write, &seven)).collect();
    let decisions = join_all(same).await;
    let admitted = decisions
        .iter()
        .filter(|d| d.as_ref().unwrap().allowed)
        .count();
    assert_eq!(admitted, 10);
    // Each decision's remaining count is that of its place in the order.
    let mut remaining: Vec<u32> = decisions
        .iter()
        .map(|d| d.as_ref().unwrap().remaining)
        .collect();
    remaining.sort_unstable();
    assert_eq!(remaining[54..], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let calls = evalsha_calls(&server);
    assert!(calls < 8, "64 concurrent checks took {calls} calls");
    // Many clients, three checks each, at once: each client gets three.
    let keys: Vec<ClientKey> = (0..40u32)
        .flat_map(|n| (0..3).map(move |_| key(1000 + n)))
        .collect();
    let many: Vec<_> = keys.iter().map(|k| l.try_check(write, k)).collect();
    for d in join_all(many).await {
        assert!(d.unwrap().allowed);
    }
    for n in 0..40u32 {
        let d = l.try_check(write, &key(1000 + n)).await.unwrap();
        assert_eq!(d.remaining, 10 - 4, "client {n}");
    }
    assert_eq!(l.store_failures(), 0);
}

/// A check whose caller gives up after it was queued is still counted
/// (as a sent command is), and the checks that shared its call get their
/// answers.
#[tokio::test]
async fn a_caller_that_gives_up_leaves_the_others_their_answers() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (_, l) = seeded(&server, 1_000_000_000_000_000_000).await;
    let read = tier("read");
    let client = key(33);
    let mut kept = Vec::new();
    for n in 0..8 {
        let mut check = Box::pin(l.try_check(read, &client));
        // Polled once (queued), then dropped for every other caller.
        std::future::poll_fn(|cx| {
            let _ = check.as_mut().poll(cx);
            std::task::Poll::Ready(())
        })
        .await;
        if n % 2 == 0 {
            kept.push(check);
        }
    }
    for d in join_all(kept).await {
        assert!(d.unwrap().allowed);
    }
    // Eight counted of thirty, and the limiter goes on.
    let d = l.try_check(read, &key(33)).await.unwrap();
    assert_eq!(d.remaining, 30 - 9);
}

/// Awaits every future, in order of the list (they run at once).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *output = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.unwrap()).collect()
}

/// A limiter whose first checks ran on a runtime that has since shut down
/// goes on deciding on another (its batching task is started again there),
/// and outside any runtime a check fails by the policy, without a panic.
#[test]
fn the_batching_task_follows_the_runtime_and_none_fails_by_the_policy() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let first = runtime();
    let l = first.block_on(async {
        let l = RedisLimiter::connect(&server.url(), seed(), FailurePolicy::FailClosed)
            .await
            .unwrap();
        assert!(l.try_check(tier("write"), &key(77)).await.unwrap().allowed);
        l
    });
    drop(first);
    let second = runtime();
    second.block_on(async {
        let mut answered = None;
        // The connection made on the first runtime reconnects on this one.
        for _ in 0..20 {
            if let Ok(d) = l.try_check(tier("write"), &key(77)).await {
                answered = Some(d);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let d = answered.expect("checks answer on the second runtime");
        assert!(d.allowed);
        assert!(d.remaining < 9, "{d:?}");
    });
    drop(second);
    // No runtime at all: refused by the policy, not a panic.
    let d = futures_lite_block_on(l.check(tier("write"), &key(78)));
    assert!(!d.allowed);
    assert!(l.store_failures() >= 1);
}

/// Polls `future` to completion on this thread, outside any runtime.
fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Wake;
    impl std::task::Wake for Wake {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Wake));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = Box::pin(future);
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The batching task runs on the runtime the limiter was made on: a first
/// check made from another runtime, which then idles, does not leave the
/// later checks waiting on it (an outside review found every later check
/// hung).
#[test]
fn a_first_check_from_an_idle_runtime_does_not_strand_the_others() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let main = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let l = std::sync::Arc::new(
        main.block_on(RedisLimiter::connect(
            &server.url(),
            seed(),
            FailurePolicy::FailClosed,
        ))
        .unwrap(),
    );
    let warm_up = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert!(
        warm_up
            .block_on(l.try_check(tier("read"), &key(5)))
            .unwrap()
            .allowed
    );
    // `warm_up` stays alive, and idle.
    main.block_on(async {
        let five = key(5);
        let check = l.try_check(tier("read"), &five);
        let d = tokio::time::timeout(Duration::from_secs(3), check)
            .await
            .expect("answered")
            .unwrap();
        assert_eq!(d.remaining, 30 - 2);
    });
    drop(warm_up);
}
