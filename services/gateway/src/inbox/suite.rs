//! One suite, every store: SQLite on a file, SQLite in memory, and Redis
//! Streams on a real `redis-server` (skipped loudly when it is missing).

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::redis::{RedisOptions, RedisStore};
use super::sqlite::SqliteStore;
use super::store::{Delivery, Store, StoreError};
use super::{NewDelivery, Persisted, now_ms};

type Make<'a> = &'a dyn Fn(u64) -> Pin<Box<dyn Future<Output = Arc<dyn Store>> + 'a>>;

fn plain(webhook: &str, body: &str) -> NewDelivery {
    NewDelivery::new(
        webhook,
        Bytes::from(body.to_owned()),
        "req-1",
        SystemTime::now(),
    )
    .signed(true)
    .content_type("application/json")
}

fn standard(webhook: &str, id: &str, body: &str) -> NewDelivery {
    let ts = now_ms() / 1000;
    plain(webhook, body).verified_id(id, ts)
}

/// Claims and delivers until nothing is due, as a worker would (only
/// what it claimed; one per webhook at a time): the order per webhook.
async fn drain(store: &dyn Store) -> BTreeMap<String, Vec<String>> {
    let mut order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for _ in 0..10_000 {
        let claimed = store.claim(16, &HashSet::new(), now_ms()).await.unwrap();
        if claimed.is_empty() {
            break;
        }
        for d in claimed {
            order
                .entry(d.webhook.clone())
                .or_default()
                .push(d.id.clone());
            store.delivered(&d, now_ms()).await.unwrap();
        }
    }
    order
}

async fn claim_one(store: &dyn Store) -> Delivery {
    let mut claimed = store.claim(1, &HashSet::new(), now_ms()).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    claimed.remove(0)
}

async fn run_suite(make: Make<'_>) {
    // Persist: new, duplicate by (webhook, id), derived ids for plain bodies.
    {
        let s = make(1000).await;
        let p = |d| s.persist(d, now_ms());
        assert_eq!(
            p(standard("a", "msg_1", "{}")).await.unwrap(),
            Persisted::New
        );
        assert_eq!(
            p(standard("a", "msg_1", "{}")).await.unwrap(),
            Persisted::Duplicate
        );
        assert_eq!(
            p(standard("b", "msg_1", "{}")).await.unwrap(),
            Persisted::New
        );
        assert_eq!(p(plain("a", r#"{"x":1}"#)).await.unwrap(), Persisted::New);
        assert_eq!(
            p(plain("a", r#"{"x":1}"#)).await.unwrap(),
            Persisted::Duplicate
        );
        assert_eq!(p(plain("a", r#"{"x":2}"#)).await.unwrap(), Persisted::New);
        let summary = s.summary(now_ms()).await.unwrap();
        assert_eq!(summary.pending, 4);
        assert_eq!(summary.pending_by_webhook.get("a"), Some(&3));
        assert_eq!(summary.pending_by_webhook.get("b"), Some(&1));
    }
    // A replay scope (the secret's variable): an id verified for one
    // webhook is a duplicate at every webhook of its scope, pending or
    // delivered, and only there.
    {
        let s = make(1000).await;
        let p = |d| s.persist(d, now_ms());
        let scoped = |w, id| standard(w, id, "{}").replay_scope("SHARED_SECRET");
        assert_eq!(p(scoped("auth", "msg_s")).await.unwrap(), Persisted::New);
        assert_eq!(
            p(scoped("erasure", "msg_s")).await.unwrap(),
            Persisted::Duplicate
        );
        let other = standard("other", "msg_s", "{}").replay_scope("OTHER_SECRET");
        assert_eq!(p(other).await.unwrap(), Persisted::New);
        assert_eq!(
            p(standard("unscoped", "msg_s", "{}")).await.unwrap(),
            Persisted::New
        );
        let order = drain(&*s).await;
        assert_eq!(order.get("erasure"), None, "{order:?}");
        assert_eq!(order["auth"], ["msg_s"]);
        // Delivered, it stays a duplicate at the sibling for its window.
        assert_eq!(
            p(scoped("erasure", "msg_s")).await.unwrap(),
            Persisted::Duplicate
        );
        assert_eq!(p(scoped("erasure", "msg_t")).await.unwrap(), Persisted::New);
    }
    // Order per webhook, each exactly once, fields intact.
    {
        let s = make(1000).await;
        for i in 0..5 {
            for w in ["a", "b"] {
                let d = standard(w, &format!("{w}_{i}"), &format!("{{\"i\":{i}}}"));
                s.persist(d, now_ms()).await.unwrap();
            }
        }
        let first = claim_one(&*s).await;
        assert_eq!(first.id, "a_0");
        assert_eq!(&first.body[..], br#"{"i":0}"#);
        assert_eq!(first.content_type.as_deref(), Some("application/json"));
        assert_eq!(first.request_id, "req-1");
        assert!(first.id_verified && first.signed && first.timestamp.is_some());
        assert_eq!(first.attempts, 0);
        s.delivered(&first, now_ms()).await.unwrap();
        let order = drain(&*s).await;
        assert_eq!(order["a"], ["a_1", "a_2", "a_3", "a_4"]);
        assert_eq!(order["b"], ["b_0", "b_1", "b_2", "b_3", "b_4"]);
        assert!(drain(&*s).await.is_empty());
        let summary = s.summary(now_ms()).await.unwrap();
        assert_eq!((summary.pending, summary.dead_letters), (0, 0));
        // Delivered ids stay duplicates for their window.
        assert_eq!(
            s.persist(standard("a", "a_0", "{}"), now_ms())
                .await
                .unwrap(),
            Persisted::Duplicate
        );
    }
    // A derived id is a duplicate for the tolerance only, then new.
    {
        let s = make(1000).await;
        let d = || plain("a", "same body").tolerance(Duration::from_millis(300));
        assert_eq!(s.persist(d(), now_ms()).await.unwrap(), Persisted::New);
        let c = claim_one(&*s).await;
        s.delivered(&c, now_ms()).await.unwrap();
        assert_eq!(
            s.persist(d(), now_ms()).await.unwrap(),
            Persisted::Duplicate
        );
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert_eq!(s.persist(d(), now_ms()).await.unwrap(), Persisted::New);
        // A pending one is the same delivery whatever its age.
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert_eq!(
            s.persist(d(), now_ms()).await.unwrap(),
            Persisted::Duplicate
        );
    }
    // Retry: not due before its time, then again with the attempt counted.
    {
        let s = make(1000).await;
        s.persist(standard("a", "r1", "{}"), now_ms())
            .await
            .unwrap();
        let d = claim_one(&*s).await;
        s.retry(&d, now_ms() + 400, "status 503").await.unwrap();
        assert!(
            s.claim(8, &HashSet::new(), now_ms())
                .await
                .unwrap()
                .is_empty()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        let again = claim_one(&*s).await;
        assert_eq!((again.id.as_str(), again.attempts), ("r1", 1));
        let summary = s.summary(now_ms()).await.unwrap();
        assert_eq!(summary.pending, 1);
        assert_eq!(summary.max_attempts, 1);
        assert!(summary.oldest_pending_age_secs > 0.3, "{summary:?}");
    }
    // Dead letters: listed, redelivered one by one or all, budget reset.
    {
        let s = make(1000).await;
        for id in ["d1", "d2", "d3"] {
            s.persist(standard("a", id, "{\"dead\":true}"), now_ms())
                .await
                .unwrap();
        }
        for _ in 0..3 {
            let d = claim_one(&*s).await;
            s.dead(&d, "status 500", now_ms()).await.unwrap();
        }
        let dead = s.dead_letters(10).await.unwrap();
        let ids: Vec<&str> = dead.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["d1", "d2", "d3"]);
        assert_eq!(dead[0].attempts, 1);
        assert_eq!(dead[0].last_error, "status 500");
        assert_eq!(dead[0].bytes, 13);
        assert_eq!(s.dead_letters(2).await.unwrap().len(), 2);
        let summary = s.summary(now_ms()).await.unwrap();
        assert_eq!((summary.pending, summary.dead_letters), (0, 3));
        assert!(
            s.claim(8, &HashSet::new(), now_ms())
                .await
                .unwrap()
                .is_empty()
        );
        // A dead letter is still a duplicate.
        assert_eq!(
            s.persist(standard("a", "d1", "{}"), now_ms())
                .await
                .unwrap(),
            Persisted::Duplicate
        );
        assert!(s.redeliver("a", "d2", now_ms()).await.unwrap());
        assert!(!s.redeliver("a", "d2", now_ms()).await.unwrap());
        assert!(!s.redeliver("a", "nope", now_ms()).await.unwrap());
        let d = claim_one(&*s).await;
        assert_eq!((d.id.as_str(), d.attempts), ("d2", 0));
        assert_eq!(&d.body[..], b"{\"dead\":true}");
        s.delivered(&d, now_ms()).await.unwrap();
        assert_eq!(s.redeliver_all(now_ms()).await.unwrap(), 2);
        let order = drain(&*s).await;
        assert_eq!(order["a"], ["d1", "d3"]);
        let summary = s.summary(now_ms()).await.unwrap();
        assert_eq!((summary.pending, summary.dead_letters), (0, 0));
    }
    // Release: back in the queue, no attempt counted.
    {
        let s = make(1000).await;
        s.persist(standard("a", "rel", "{}"), now_ms())
            .await
            .unwrap();
        let d = claim_one(&*s).await;
        s.release(&d).await.unwrap();
        let again = claim_one(&*s).await;
        assert_eq!((again.id.as_str(), again.attempts), ("rel", 0));
    }
    // Full: refused, not acknowledged.
    {
        let s = make(2).await;
        s.persist(standard("a", "f1", "{}"), now_ms())
            .await
            .unwrap();
        s.persist(standard("a", "f2", "{}"), now_ms())
            .await
            .unwrap();
        assert!(matches!(
            s.persist(standard("a", "f3", "{}"), now_ms()).await,
            Err(StoreError::Full)
        ));
        // A duplicate is still answered while full.
        assert_eq!(
            s.persist(standard("a", "f1", "{}"), now_ms())
                .await
                .unwrap(),
            Persisted::Duplicate
        );
    }
    // Concurrent persists (group commit): each answered once, all kept.
    {
        let s = make(10_000).await;
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    s.persist(standard("c", &format!("c{i:03}"), "{}"), now_ms())
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Persisted::New);
        }
        let order = drain(&*s).await;
        let mut got = order["c"].clone();
        got.sort();
        got.dedup();
        assert_eq!(got.len(), 200);
    }
}

static PREFIX: AtomicU64 = AtomicU64::new(0);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/inbox.sqlite3");
    let make = |max: u64| {
        let n = PREFIX.fetch_add(1, Ordering::Relaxed);
        let path = path.with_file_name(format!("inbox-{n}.sqlite3"));
        Box::pin(async move { Arc::new(SqliteStore::open(&path, max).unwrap()) as Arc<dyn Store> })
            as Pin<Box<dyn Future<Output = Arc<dyn Store>>>>
    };
    run_suite(&make).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_memory() {
    let make = |max: u64| {
        Box::pin(async move { Arc::new(SqliteStore::memory(max).unwrap()) as Arc<dyn Store> })
            as Pin<Box<dyn Future<Output = Arc<dyn Store>>>>
    };
    run_suite(&make).await;
}

fn redis_options(visibility: Duration, consumer: &str) -> RedisOptions {
    let n = PREFIX.fetch_add(1, Ordering::Relaxed);
    RedisOptions {
        prefix: format!("{{suite-{n}}}:"),
        visibility,
        consumer: Some(consumer.to_owned()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_streams() {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    let url = server.url();
    let make = |max: u64| {
        let url = url.clone();
        Box::pin(async move {
            let options = redis_options(Duration::from_secs(60), "c1");
            Arc::new(RedisStore::connect(&url, options, max).await.unwrap()) as Arc<dyn Store>
        }) as Pin<Box<dyn Future<Output = Arc<dyn Store>>>>
    };
    run_suite(&make).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_inbox_survives_reopening_and_refuses_a_second_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.sqlite3");
    {
        let s = SqliteStore::open(&path, 100).unwrap();
        for id in ["x1", "x2"] {
            s.persist(standard("a", id, "{}"), now_ms()).await.unwrap();
        }
        // A second opener of the same file is refused while this one lives.
        let second = SqliteStore::open(&path, 100);
        assert!(second.is_err(), "a second store opened the same file");
    }
    // The writer thread ends once its sender is dropped; give it a moment.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let s = SqliteStore::open(&path, 100).unwrap();
    assert_eq!(s.summary(now_ms()).await.unwrap().pending, 2);
    assert_eq!(
        s.persist(standard("a", "x1", "{}"), now_ms())
            .await
            .unwrap(),
        Persisted::Duplicate
    );
    let order = drain(&s).await;
    assert_eq!(order["a"], ["x1", "x2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_replicas_share_one_inbox_and_take_over_a_dead_ones_claims() {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    let base = redis_options(Duration::from_millis(300), "a");
    let a = RedisStore::connect(&server.url(), base.clone(), 100)
        .await
        .unwrap();
    let b_options = RedisOptions {
        consumer: Some("b".to_owned()),
        ..base
    };
    let b = RedisStore::connect(&server.url(), b_options, 100)
        .await
        .unwrap();
    for i in 0..4 {
        a.persist(standard("a", &format!("s{i}"), "{}"), now_ms())
            .await
            .unwrap();
    }
    // Each entry goes to one replica.
    let got_a = a.claim(2, &HashSet::new(), now_ms()).await.unwrap();
    let got_b = b.claim(10, &HashSet::new(), now_ms()).await.unwrap();
    let ids = |v: &[Delivery]| v.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&got_a), ["s0", "s1"]);
    assert_eq!(ids(&got_b), ["s2", "s3"]);
    for d in &got_b {
        b.delivered(d, now_ms()).await.unwrap();
    }
    // `a` dies holding s0 and s1; `b` takes them over after the
    // visibility timeout, not before.
    assert!(
        b.claim(10, &HashSet::new(), now_ms())
            .await
            .unwrap()
            .is_empty()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let taken = b.claim(10, &HashSet::new(), now_ms()).await.unwrap();
    assert_eq!(ids(&taken), ["s0", "s1"]);
    // A replica that touches what it holds keeps it.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let held: Vec<&Delivery> = taken.iter().collect();
        b.touch(&held).await.unwrap();
        assert!(
            a.claim(10, &HashSet::new(), now_ms())
                .await
                .unwrap()
                .is_empty()
        );
    }
    for d in &taken {
        b.delivered(d, now_ms()).await.unwrap();
    }
    assert_eq!(a.summary(now_ms()).await.unwrap().pending, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_from_before_replay_scopes_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        // The table as the first inbox wrote it: no `scope` column.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(super::sqlite::SCHEMA_V1).unwrap();
        conn.execute(
            "INSERT INTO deliveries (webhook, id, id_verified, signed, body, request_id, \
             received_at_ms, dedupe_until_ms, state) VALUES ('a', 'old', 1, 1, x'7b7d', 'r', 0, 0, 0)",
            [],
        )
        .unwrap();
    }
    let s = SqliteStore::open(&path, 100).unwrap();
    assert_eq!(s.summary(now_ms()).await.unwrap().pending, 1);
    let scoped = |w, id| standard(w, id, "{}").replay_scope("S");
    assert_eq!(
        s.persist(scoped("a", "old"), now_ms()).await.unwrap(),
        Persisted::Duplicate
    );
    assert_eq!(
        s.persist(scoped("a", "new"), now_ms()).await.unwrap(),
        Persisted::New
    );
    assert_eq!(
        s.persist(scoped("b", "new"), now_ms()).await.unwrap(),
        Persisted::Duplicate
    );
    assert_eq!(drain(&s).await["a"], ["old", "new"]);
}

/// Finding of an outside review: with `maxmemory` and an evicting policy,
/// Redis dropped 17 of 20 acknowledged deliveries, and the duplicate
/// markers with them (a replay was accepted again). Such a server is
/// refused: nothing is acknowledged (503 upstream of this store) until it
/// is set to `noeviction`, which is picked up without a restart; no limit
/// at all (`maxmemory 0`) evicts nothing whatever the policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_may_evict_keys_is_refused_until_it_may_not() {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    server.command(&["CONFIG", "SET", "maxmemory", "64mb"]);
    server.command(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]);
    let store = RedisStore::connect_lazy(
        &server.url(),
        redis_options(Duration::from_secs(60), "e"),
        100,
    )
    .unwrap();
    let refused = store.persist(standard("a", "e1", "{}"), now_ms()).await;
    assert!(
        matches!(&refused, Err(StoreError::Failed(why)) if why.contains("noeviction")),
        "{refused:?}"
    );
    assert!(store.claim(4, &HashSet::new(), now_ms()).await.is_err());
    assert!(
        super::redis::eviction_policy(&server.url(), Duration::from_secs(2))
            .await
            .unwrap()
            .is_some_and(|p| p == "allkeys-lru")
    );
    server.command(&["CONFIG", "SET", "maxmemory-policy", "volatile-lru"]);
    assert!(
        store
            .persist(standard("a", "e1", "{}"), now_ms())
            .await
            .is_err()
    );
    // Set right: taken without a restart.
    server.command(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    assert_eq!(
        store
            .persist(standard("a", "e1", "{}"), now_ms())
            .await
            .unwrap(),
        Persisted::New
    );
    assert_eq!(
        super::redis::eviction_policy(&server.url(), Duration::from_secs(2))
            .await
            .unwrap(),
        None
    );
    // No limit: nothing is evicted, whatever the policy says.
    server.command(&["CONFIG", "SET", "maxmemory", "0"]);
    server.command(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]);
    let fresh = RedisStore::connect(
        &server.url(),
        redis_options(Duration::from_secs(60), "f"),
        100,
    )
    .await
    .unwrap();
    assert_eq!(
        fresh
            .persist(standard("a", "e2", "{}"), now_ms())
            .await
            .unwrap(),
        Persisted::New
    );
}

#[test]
fn what_info_memory_says_about_eviction() {
    use super::redis::evicting_policy_in;
    let info = |max: &str, policy: &str| {
        format!(
            "# Memory\r\nused_memory:1\r\nmaxmemory:{max}\r\nmaxmemory_human:x\r\nmaxmemory_policy:{policy}\r\n"
        )
    };
    assert_eq!(evicting_policy_in(&info("0", "allkeys-lru")), None);
    assert_eq!(evicting_policy_in(&info("1048576", "noeviction")), None);
    assert_eq!(
        evicting_policy_in(&info("1048576", "volatile-ttl")).as_deref(),
        Some("volatile-ttl")
    );
    assert_eq!(evicting_policy_in("# Memory\r\n"), None);
}

/// Finding of an outside review: once Redis lost its data (restarted
/// without persistence, `FLUSHALL`, a failover to an empty replica), new
/// webhooks were still acknowledged (the persist script made the stream
/// again with `XADD`) but never delivered: the consumer group was made
/// once per process, so every claim failed with `NOGROUP` until the
/// gateway restarted. Persisting now makes the group with the stream, and
/// a claim that finds the group gone makes it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_lost_its_data_still_delivers_what_it_acknowledges() {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(
        &server.url(),
        redis_options(Duration::from_secs(60), "g"),
        100,
    )
    .await
    .unwrap();
    store
        .persist(standard("a", "before", "{}"), now_ms())
        .await
        .unwrap();
    assert_eq!(drain(&store).await["a"], ["before"]);

    // Lost, then a delivery comes: it is claimed.
    server.command(&["FLUSHALL"]);
    assert_eq!(
        store
            .persist(standard("a", "after", "{}"), now_ms())
            .await
            .unwrap(),
        Persisted::New
    );
    assert_eq!(claim_one(&store).await.id, "after");

    // Lost while idle: the claim that finds no group makes it again (at
    // most one claim fails), and what comes next is delivered.
    server.command(&["FLUSHALL"]);
    let first = store.claim(4, &HashSet::new(), now_ms()).await;
    assert!(
        matches!(&first, Ok(v) if v.is_empty()) || first.is_err(),
        "{first:?}"
    );
    assert!(
        store
            .claim(4, &HashSet::new(), now_ms())
            .await
            .unwrap()
            .is_empty()
    );
    store
        .persist(standard("a", "later", "{}"), now_ms())
        .await
        .unwrap();
    assert_eq!(drain(&store).await["a"], ["later"]);
}

/// Finding of a third outside review: with the stream key deleted and the
/// records left (a partial restore, a careless `DEL`), deliveries waiting
/// in the stream were never sent, and their senders' retries were
/// answered as duplicates. The first claim after the stream is made anew
/// puts them back, whether a persist or a claim made it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_whose_stream_was_deleted_are_put_back() {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    let options = RedisOptions {
        prefix: "{orphans}:".to_owned(),
        visibility: Duration::from_secs(60),
        consumer: Some("o".to_owned()),
    };
    let store = RedisStore::connect(&server.url(), options, 100)
        .await
        .unwrap();
    // Records from more than a second ago (newer ones may be on their way
    // into the stream, and are looked at later).
    let aged = |id: &str| {
        NewDelivery::new(
            "w",
            Bytes::from_static(b"{}"),
            "req-1",
            SystemTime::now() - Duration::from_secs(5),
        )
        .signed(true)
        .verified_id(id, now_ms() / 1000)
    };
    for id in ["a", "b", "c"] {
        store.persist(aged(id), now_ms()).await.unwrap();
    }
    // Made anew by a persist.
    server.command(&["DEL", "{orphans}:stream"]);
    assert_eq!(
        store
            .persist(standard("w", "d", "{}"), now_ms())
            .await
            .unwrap(),
        Persisted::New
    );
    // A retry of a lost one is still a duplicate: it is stored, and now
    // queued again.
    assert_eq!(
        store
            .persist(standard("w", "b", "{}"), now_ms())
            .await
            .unwrap(),
        Persisted::Duplicate
    );
    let mut sent = drain(&store).await.remove("w").unwrap_or_default();
    sent.sort();
    assert_eq!(sent, ["a", "b", "c", "d"]);

    // Made anew by a claim (the worker finds the group gone first).
    for id in ["e", "f"] {
        store.persist(aged(id), now_ms()).await.unwrap();
    }
    // One that came a moment ago: put back by a claim a second later.
    store
        .persist(standard("w", "g", "{}"), now_ms())
        .await
        .unwrap();
    server.command(&["DEL", "{orphans}:stream"]);
    let first = store.claim(4, &HashSet::new(), now_ms()).await;
    assert!(
        first.is_err() || matches!(&first, Ok(v) if v.is_empty()),
        "{first:?}"
    );
    let mut sent = drain(&store).await.remove("w").unwrap_or_default();
    sent.sort();
    assert_eq!(sent, ["e", "f"]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(drain(&store).await["w"], ["g"]);
}

/// A persist that reaches Redis only after the gateway gave up on it
/// stores nothing, so the 503 its sender got stays true. Here a long
/// script of someone else's holds Redis for 3 s, past the 2 s the gateway
/// waits. An outside review had such a webhook delivered after its 503,
/// and twice when the sender retried under a new id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persist_that_comes_too_late_stores_nothing() {
    let Some(server) = alphaguard_test_support::RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(
        &server.url(),
        redis_options(Duration::from_secs(60), "late"),
        100,
    )
    .await
    .unwrap();
    // The group exists and the server's clock is known.
    store
        .persist(standard("a", "first", "{}"), now_ms())
        .await
        .unwrap();
    assert_eq!(drain(&store).await["a"], ["first"]);

    let url = server.url();
    let busy = std::thread::spawn(move || {
        let mut other = ::redis::Client::open(url)
            .unwrap()
            .get_connection()
            .unwrap();
        ::redis::cmd("EVAL")
            .arg(
                "local function us() local t = redis.call('TIME') \
                 return tonumber(t[1]) * 1e6 + tonumber(t[2]) end \
                 local s = us() repeat until us() >= s + 3e6 return 1",
            )
            .arg(0)
            .query::<i64>(&mut other)
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let late = store.persist(standard("a", "late", "{}"), now_ms()).await;
    assert!(late.is_err(), "{late:?}");
    assert_eq!(busy.join().unwrap(), 1);
    // Redis is free again: the late persist has run by now, and stored
    // nothing. The next one is taken as usual.
    tokio::time::sleep(Duration::from_millis(300)).await;
    store
        .persist(standard("a", "after", "{}"), now_ms())
        .await
        .unwrap();
    assert_eq!(drain(&store).await["a"], ["after"]);
}
