//! Authentication costs. Run with
//! `cargo bench -p alphaguard-benches --bench auth`.
//!
//! - API-key checks: three configured keys, the presented one matching the
//!   last, none, or a key of another length.
//! - Local JWT verification (ES256 and RS256): the whole
//!   `LocalVerifier::verify` (header, key lookup, signature, claims,
//!   identity) against the floor, a bare `jsonwebtoken::decode` of the
//!   same token with the key already in hand — the call `jwt-authorizer`
//!   makes underneath.
//! - Remote mode: a cache hit of `RemoteVerifier::verify` (the SHA-256 of
//!   the token, the lookup, the clone of the identity), and the lookup
//!   alone in a full cache of 10,000 answers with the same key and value
//!   types: quick_cache (what the verifier uses), moka's `sync::Cache`, and
//!   the hand-written `Mutex<HashMap>` the verifier had before (which
//!   emptied itself when full instead of evicting).

mod support;

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use alphaguard_auth::ApiKeys;
use alphaguard_auth::{
    AuthError, AuthMethod, CACHE_CAPACITY, ClaimPath, Identity, LocalVerifier, RemoteVerifier,
    SecretString,
};
use alphaguard_test_support::{FakeSupabase, FakeUser};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

fn api_keys(c: &mut Criterion) {
    let keys = ApiKeys::parse(
        "key-one-0123456789abcdef,key-two-0123456789abcdef,key-three-0123456789abcdef",
    )
    .expect("valid keys");
    let mut group = c.benchmark_group("auth/api_key_3_keys");
    group.bench_function("match_last", |b| {
        b.iter(|| black_box(keys.verify(black_box("key-three-0123456789abcdef"))))
    });
    group.bench_function("no_match", |b| {
        b.iter(|| black_box(keys.verify(black_box("key-four-0123456789abcdefg"))))
    });
    group.bench_function("no_match_long", |b| {
        let long = "x".repeat(256);
        b.iter(|| black_box(keys.verify(black_box(&long))))
    });
    group.finish();
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PeerClaims {
    sub: String,
    role: Option<String>,
    email: Option<String>,
}

fn jwt(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fake = runtime.block_on(FakeSupabase::start());
    let user = FakeUser::discord(
        "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
        "alice@example.com",
        123_456_789_012_345_678,
    );
    let claims = fake.claims(&user);
    let local = LocalVerifier::new(
        &fake.url(),
        Some(SecretString::new(fake.anon_key())),
        None,
        Duration::from_secs(3),
    )
    .expect("verifier")
    .with_discord_id_claim(ClaimPath::parse("discord_id").expect("claim"));
    fake.enable_discord_id_hook();
    runtime.block_on(local.preload()).expect("jwks");
    let jwks: JwkSet = runtime.block_on(async {
        reqwest::get(format!("{}/.well-known/jwks.json", fake.issuer()))
            .await
            .expect("jwks")
            .json()
            .await
            .expect("jwks json")
    });

    let mut group = c.benchmark_group("auth/local_verify");
    for (name, alg, token, kid) in [
        ("es256", Algorithm::ES256, fake.mint(&claims), "es256-1"),
        (
            "rs256",
            Algorithm::RS256,
            fake.mint_rs256(&claims),
            "rs256-1",
        ),
    ] {
        let key = DecodingKey::from_jwk(jwks.find(kid).expect("kid")).expect("key");
        let mut validation = Validation::new(alg);
        validation.set_audience(&["authenticated"]);
        validation.set_issuer(&[fake.issuer()]);
        assert!(runtime.block_on(local.verify(&token)).is_ok());
        group.bench_function(format!("{name}/alphaguard"), |b| {
            b.iter(|| runtime.block_on(local.verify(black_box(&token))))
        });
        group.bench_function(format!("{name}/jsonwebtoken_decode"), |b| {
            b.iter(|| {
                jsonwebtoken::decode::<PeerClaims>(black_box(&token), &key, &validation)
                    .expect("valid")
            })
        });
    }
    group.finish();

    let token = fake.sign_in(&user);
    let remote = RemoteVerifier::new(
        &fake.url(),
        Some(SecretString::new(fake.anon_key())),
        Duration::from_secs(3),
        Duration::from_secs(30),
    )
    .expect("verifier");
    assert!(runtime.block_on(remote.verify(&token)).is_ok());
    let mut group = c.benchmark_group("auth/remote_verify");
    group.bench_function("cache_hit", |b| {
        b.iter(|| runtime.block_on(remote.verify(black_box(&token))))
    });
    group.finish();
    assert_eq!(
        fake.requests(),
        1,
        "every remote check after the first was a cache hit"
    );
}

/// The cached value, as the verifier keeps it.
#[derive(Clone)]
struct Cached {
    outcome: Result<Identity, AuthError>,
    until: Instant,
}

fn cached(n: usize) -> ([u8; 32], Cached) {
    let mut key = [0u8; 32];
    let digest = ring::digest::digest(&ring::digest::SHA256, &n.to_le_bytes());
    key.copy_from_slice(digest.as_ref());
    let mut identity = Identity::unauthenticated();
    identity.method = AuthMethod::SupabaseJwt;
    identity.subject = Some(format!("7f0c0c52-6a4b-4a9b-9d0b-{n:012}"));
    identity.role = Some("authenticated".to_owned());
    identity.email = Some(format!("user{n}@example.com"));
    identity.discord_id = Some(123_456_789_012_345_678);
    let value = Cached {
        outcome: Ok(identity),
        until: Instant::now() + Duration::from_secs(3600),
    };
    (key, value)
}

fn token_cache(c: &mut Criterion) {
    let entries: Vec<_> = (0..CACHE_CAPACITY).map(cached).collect();
    let probe = entries[CACHE_CAPACITY / 2].0;
    let hit = |value: Option<Cached>| {
        value
            .filter(|c| c.until > Instant::now())
            .map(|c| c.outcome)
    };

    let quick = quick_cache::sync::Cache::new(CACHE_CAPACITY);
    let moka = moka::sync::Cache::new(CACHE_CAPACITY as u64);
    let mut map = HashMap::new();
    for (key, value) in &entries {
        quick.insert(*key, value.clone());
        moka.insert(*key, value.clone());
        map.insert(*key, value.clone());
    }
    moka.run_pending_tasks();
    let hand_written = Mutex::new(map);
    assert!(
        hit(quick.get(&probe)).is_some(),
        "quick_cache kept the probe"
    );
    assert!(hit(moka.get(&probe)).is_some(), "moka kept the probe");

    let mut group = c.benchmark_group("auth/token_cache_hit_10k");
    group.bench_function("quick_cache", |b| {
        b.iter(|| black_box(hit(quick.get(black_box(&probe)))))
    });
    group.bench_function("moka_sync", |b| {
        b.iter(|| black_box(hit(moka.get(black_box(&probe)))))
    });
    group.bench_function("hand_written_mutex_hashmap", |b| {
        b.iter(|| {
            let map = hand_written.lock().expect("lock");
            black_box(hit(map.get(black_box(&probe)).cloned()))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Wall time, 150 samples of 6 s: the settings every quoted bench uses.
    config = support::config(Criterion::default());
    targets = api_keys, jwt, token_cache
}
criterion_main!(benches);
