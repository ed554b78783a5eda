//! The replay memory keeps an id until `timestamp + tolerance`, so a
//! future-dated delivery cannot be replayed once `receipt + tolerance` has
//! passed; plain-scheme replays are caught by the id derived from the body.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use alphaguard_webhook_hmac::delivery::{Refusal, accept};
use alphaguard_webhook_hmac::replay::derived_id;
use alphaguard_webhook_hmac::{
    Accept, FakeClock, MemoryReplayGuard, Registry, RegistryOptions, Secret, WebhookSpec, plain,
    standard,
};
use bytes::Bytes;
use http::HeaderMap;
use http_body_util::Full;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const NOW: u64 = 1_700_000_000;
const SPECS: [WebhookSpec; 1] = [WebhookSpec {
    name: "hook",
    env_var: "HOOK_SECRET",
    accept: Accept::Either,
}];

fn setup() -> (Registry, MemoryReplayGuard, FakeClock) {
    let clock = FakeClock::from_unix_secs(NOW);
    let options = RegistryOptions {
        tolerance: Duration::from_secs(300),
        clock: Arc::new(clock.clone()),
    };
    let registry = Registry::build(&SPECS, |_| Some(SECRET.to_owned()), options).unwrap();
    let guard = MemoryReplayGuard::with_clock(100, Arc::new(clock.clone()));
    (registry, guard, clock)
}

async fn send(
    registry: &Registry,
    guard: &MemoryReplayGuard,
    headers: &HeaderMap,
    body: &'static [u8],
) -> Result<(), Refusal> {
    let hook = registry.get("hook").unwrap();
    accept(
        hook,
        headers,
        Full::new(Bytes::from_static(body)),
        1024,
        Some(guard),
    )
    .await
    .map(|_| ())
}

#[tokio::test]
async fn a_future_dated_id_is_remembered_until_its_timestamp_plus_tolerance() {
    let (registry, guard, clock) = setup();
    let secret = Secret::parse(SECRET).unwrap();
    // Dated 300 s ahead: accepted now, and until NOW + 600.
    let headers = standard::sign_headers(&secret, "msg_future", NOW + 300, b"{}").unwrap();
    send(&registry, &guard, &headers, b"{}").await.unwrap();
    // Receipt + tolerance has passed; the timestamp still verifies, so the
    // id must still be remembered.
    clock.set_unix_secs(NOW + 301);
    assert!(matches!(
        send(&registry, &guard, &headers, b"{}").await,
        Err(Refusal::Duplicate)
    ));
    clock.set_unix_secs(NOW + 599);
    assert!(matches!(
        send(&registry, &guard, &headers, b"{}").await,
        Err(Refusal::Duplicate)
    ));
    // Past timestamp + tolerance the timestamp itself is refused.
    clock.set_unix_secs(NOW + 601);
    assert!(matches!(
        send(&registry, &guard, &headers, b"{}").await,
        Err(Refusal::BadSignature(_))
    ));
}

#[tokio::test]
async fn a_past_dated_id_needs_no_longer_than_its_timestamp_allows() {
    let (registry, _guard, _clock) = setup();
    let verifier = registry.get("hook").unwrap().verifier().unwrap();
    let secret = Secret::parse(SECRET).unwrap();
    let headers = standard::sign_headers(&secret, "msg_past", NOW - 200, b"{}").unwrap();
    let verified = verifier.verify(&headers, b"{}").unwrap();
    assert_eq!(verifier.replay_ttl(&verified), Duration::from_secs(100));
    let headers = standard::sign_headers(&secret, "msg_ahead", NOW + 200, b"{}").unwrap();
    let verified = verifier.verify(&headers, b"{}").unwrap();
    assert_eq!(verifier.replay_ttl(&verified), Duration::from_secs(500));
}

#[tokio::test]
async fn plain_replays_are_caught_by_the_derived_id_within_the_tolerance() {
    let (registry, guard, clock) = setup();
    let secret = Secret::parse(SECRET).unwrap();
    let headers = plain::sign_headers(&secret, br#"{"user":1}"#).unwrap();
    send(&registry, &guard, &headers, br#"{"user":1}"#)
        .await
        .unwrap();
    clock.set_unix_secs(NOW + 299);
    assert!(matches!(
        send(&registry, &guard, &headers, br#"{"user":1}"#).await,
        Err(Refusal::Duplicate)
    ));
    // Another body is another delivery.
    let other = plain::sign_headers(&secret, br#"{"user":2}"#).unwrap();
    send(&registry, &guard, &other, br#"{"user":2}"#)
        .await
        .unwrap();
    // After the window the same body is a new delivery.
    clock.set_unix_secs(NOW + 301);
    send(&registry, &guard, &headers, br#"{"user":1}"#)
        .await
        .unwrap();
}

#[test]
fn derived_ids_depend_on_name_and_body_only() {
    let a = derived_id("hook", b"body");
    assert_eq!(a, derived_id("hook", b"body"));
    assert_ne!(a, derived_id("hook", b"body2"));
    assert_ne!(a, derived_id("other", b"body"));
    // The NUL separator: name and body cannot trade bytes.
    assert_ne!(derived_id("ab", b"c"), derived_id("a", b"bc"));
    assert!(a.starts_with("sha256:") && a.len() == 7 + 64);
}
