//! The webhook inbox's acknowledgement path, against the physical limit of
//! its store, in one run. Run with
//! `cargo bench -p alphaguard --bench inbox`.
//!
//! - `sqlite/inbox`: `Inbox::persist` from 64 concurrent senders (what the
//!   handler awaits before 202): WAL, `synchronous=FULL`, group commit.
//! - `sqlite/bare_loop`: the same INSERT (and duplicate check), one
//!   transaction and one fsync each, in a plain loop on one connection set
//!   up the same way: what one writer gets from this disk without
//!   batching.
//! - `redis/inbox`: `Inbox::persist` on Redis (one Lua script: dedupe,
//!   cap, HSET, XADD) from 64 concurrent senders.
//! - `redis/bare_xadd`: `XADD` of the same fields alone, 64 concurrent.
//!
//! Criterion reports deliveries per second (one element = one
//! acknowledged delivery); the p99 of the per-delivery acknowledgement
//! latency is printed after each scenario.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use alphaguard_gateway::inbox::{Inbox, InboxUrl, NewDelivery, sqlite};
use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;

const SENDERS: u64 = 64;
const BODY: &[u8] = br#"{"type":"user.deleted","record":{"id":"4f9c2a1e-0d3b-4b8e-9a51-2f0c6e7d8a90","email":"someone@example.com"}}"#;

static NEXT: AtomicU64 = AtomicU64::new(0);

fn delivery() -> NewDelivery {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    NewDelivery::new(
        "gdpr-erasure",
        Bytes::from_static(BODY),
        format!("req-{n}"),
        SystemTime::now(),
    )
    .verified_id(
        format!("msg_{n}"),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
    .content_type("application/json")
}

fn p99(latencies: &mut [Duration]) -> Duration {
    if latencies.is_empty() {
        return Duration::ZERO;
    }
    latencies.sort_unstable();
    let rank = (latencies.len() as f64 * 0.99).ceil() as usize;
    latencies[rank.clamp(1, latencies.len()) - 1]
}

fn report(name: &str, latencies: &mut Vec<Duration>, total: u64, elapsed: Duration) {
    let p = p99(latencies);
    eprintln!(
        "{name}: {total} acks in {:.2} s = {:.0} acks/s overall, p99 ack latency {:.2} ms ({} samples)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        p.as_secs_f64() * 1000.0,
        latencies.len()
    );
    latencies.clear();
}

/// `iters` persists from `SENDERS` concurrent tasks; returns the wall time
/// and each persist's latency.
async fn concurrent(inbox: &Inbox, iters: u64) -> (Duration, Vec<Duration>) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..SENDERS)
        .map(|t| {
            let inbox = inbox.clone();
            let share = iters / SENDERS + u64::from(t < iters % SENDERS);
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(share as usize);
                for _ in 0..share {
                    let d = delivery();
                    let t0 = Instant::now();
                    inbox.persist(d).await.expect("persisted");
                    lat.push(t0.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::with_capacity(iters as usize);
    for t in tasks {
        all.extend(t.await.expect("sender task"));
    }
    (started.elapsed(), all)
}

fn sqlite_benches(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir on disk");
    let mut group = c.benchmark_group("inbox_sqlite");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);

    let url = InboxUrl::Sqlite(dir.path().join("inbox.sqlite3"));
    let inbox = rt.block_on(Inbox::open(&url)).expect("open inbox");
    let mut lat = Vec::new();
    let (mut total, mut wall) = (0, Duration::ZERO);
    group.bench_function("inbox", |b| {
        b.iter_custom(|iters| {
            let (elapsed, l) = rt.block_on(concurrent(&inbox, iters));
            lat.extend(l);
            total += iters;
            wall += elapsed;
            elapsed
        });
    });
    report("sqlite/inbox", &mut lat, total, wall);

    let mut conn = sqlite::bare_connection(&dir.path().join("bare.sqlite3")).expect("bare db");
    let (mut total, mut wall) = (0, Duration::ZERO);
    group.bench_function("bare_loop", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                let d = delivery();
                let t0 = Instant::now();
                sqlite::bare_insert(&mut conn, &d, 0).expect("insert");
                lat.push(t0.elapsed());
            }
            total += iters;
            wall += started.elapsed();
            started.elapsed()
        });
    });
    report("sqlite/bare_loop", &mut lat, total, wall);
    group.finish();
}

fn redis_benches(c: &mut Criterion) {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    let rt = Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("inbox_redis");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    let url = InboxUrl::Redis(server.url());
    let inbox = rt.block_on(Inbox::open(&url)).expect("open inbox");
    let mut lat = Vec::new();
    let (mut total, mut wall) = (0, Duration::ZERO);
    group.bench_function("inbox", |b| {
        b.iter_custom(|iters| {
            let (elapsed, l) = rt.block_on(concurrent(&inbox, iters));
            lat.extend(l);
            total += iters;
            wall += elapsed;
            elapsed
        });
    });
    report("redis/inbox", &mut lat, total, wall);

    let client = redis::Client::open(server.url()).expect("client");
    let conn = rt
        .block_on(redis::aio::ConnectionManager::new(client))
        .expect("connect");
    let (mut total, mut wall) = (0, Duration::ZERO);
    group.bench_function("bare_xadd", |b| {
        b.iter_custom(|iters| {
            let (elapsed, l) = rt.block_on(async {
                let started = Instant::now();
                let tasks: Vec<_> = (0..SENDERS)
                    .map(|t| {
                        let mut conn = conn.clone();
                        let share = iters / SENDERS + u64::from(t < iters % SENDERS);
                        tokio::spawn(async move {
                            let mut lat = Vec::with_capacity(share as usize);
                            for _ in 0..share {
                                let d = delivery();
                                let t0 = Instant::now();
                                alphaguard_gateway::inbox::redis::bare_xadd(
                                    &mut conn,
                                    "bench:bare",
                                    &d,
                                )
                                .await
                                .expect("xadd");
                                lat.push(t0.elapsed());
                            }
                            lat
                        })
                    })
                    .collect();
                let mut all = Vec::new();
                for t in tasks {
                    all.extend(t.await.expect("task"));
                }
                (started.elapsed(), all)
            });
            lat.extend(l);
            total += iters;
            wall += elapsed;
            elapsed
        });
    });
    report("redis/bare_xadd", &mut lat, total, wall);
    group.finish();
}

criterion_group!(benches, sqlite_benches, redis_benches);
criterion_main!(benches);
