//! The Redis replay guard against a real `redis-server` on a free loopback
//! port.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use alphaguard_test_support::RedisServer;
use alphaguard_webhook_hmac::{Delivery, RedisReplayGuard, ReplayGuard};

#[tokio::test]
async fn first_repeat_forget_and_expiry_across_two_guards() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let a = RedisReplayGuard::connect(&server.url()).await.unwrap();
    let b = RedisReplayGuard::connect(&server.url()).await.unwrap();
    let ttl = Duration::from_millis(300);

    assert_eq!(
        a.check_and_record("hook:msg_1", ttl).await.unwrap(),
        Delivery::First
    );
    // A second replica sees the first one's record.
    assert_eq!(
        b.check_and_record("hook:msg_1", ttl).await.unwrap(),
        Delivery::Repeat
    );
    assert_eq!(
        a.check_and_record("hook:msg_2", ttl).await.unwrap(),
        Delivery::First
    );

    // The key is namespaced and expires on its own.
    let pttl = server.command(&["PTTL", "alphaguard:webhook:hook:msg_1"]);
    let ms: i64 = pttl.trim().trim_start_matches(':').parse().unwrap();
    assert!((1..=300).contains(&ms), "{pttl:?}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        b.check_and_record("hook:msg_1", ttl).await.unwrap(),
        Delivery::First
    );

    b.forget("hook:msg_2").await.unwrap();
    assert_eq!(
        a.check_and_record("hook:msg_2", ttl).await.unwrap(),
        Delivery::First
    );
}

#[tokio::test]
async fn concurrent_deliveries_have_exactly_one_first() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let guard = RedisReplayGuard::connect(&server.url()).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let g = guard.clone();
        tasks.push(tokio::spawn(async move {
            g.check_and_record("hook:same", Duration::from_secs(5))
                .await
                .unwrap()
        }));
    }
    let mut firsts = 0;
    for t in tasks {
        if t.await.unwrap() == Delivery::First {
            firsts += 1;
        }
    }
    assert_eq!(firsts, 1);
}

#[tokio::test]
async fn a_dead_server_is_an_error_and_recovery_needs_no_rebuild() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let guard = RedisReplayGuard::connect(&server.url()).await.unwrap();
    assert_eq!(
        guard
            .check_and_record("k:1", Duration::from_secs(5))
            .await
            .unwrap(),
        Delivery::First
    );
    server.stop();
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        guard.check_and_record("k:2", Duration::from_secs(5)),
    )
    .await
    .expect("fails within its timeouts")
    .unwrap_err();
    assert!(!err.to_string().contains("redis://"), "{err}");
    server.restart();
    // The connection manager reconnects by itself (allow it a few tries).
    let mut outcome = None;
    for _ in 0..50 {
        if let Ok(d) = guard.check_and_record("k:3", Duration::from_secs(5)).await {
            outcome = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(outcome, Some(Delivery::First));
}

#[tokio::test]
async fn an_invalid_url_is_refused_without_echoing_it() {
    let err = RedisReplayGuard::connect("not a url with password hunter2")
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn a_lazy_guard_fails_closed_until_redis_comes() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    server.stop();
    let guard = RedisReplayGuard::connect_lazy(&server.url()).unwrap();
    assert!(
        tokio::time::timeout(
            Duration::from_secs(10),
            guard.check_and_record("hook:lazy", Duration::from_secs(60))
        )
        .await
        .unwrap()
        .is_err()
    );
    assert!(guard.ping().await.is_err());
    server.restart();
    let mut answer = None;
    for _ in 0..50 {
        if let Ok(d) = guard
            .check_and_record("hook:lazy", Duration::from_secs(60))
            .await
        {
            answer = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answer, Some(Delivery::First));
}
