//! Local verification against a loopback Supabase Auth that mints real
//! tokens and serves a real JWKS: the attack cases first, then rotation.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use alphaguard_auth::{AuthError, AuthMethod, LocalVerifier, MAX_TOKEN_LEN, SecretString};
use alphaguard_test_support::{
    FakeSupabase, FakeUser, RSA_TEST_PUBLIC_KEY_PEM, SupabaseMode, unix_now,
};
use base64::Engine as _;
use ring::hmac;
use serde_json::json;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn alice() -> FakeUser {
    FakeUser::discord(
        "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
        "alice@example.com",
        123_456_789_012_345_678,
    )
}

fn verifier(fake: &FakeSupabase, legacy: bool) -> LocalVerifier {
    let secret = legacy.then(|| SecretString::new(fake.jwt_secret()));
    LocalVerifier::new(
        &fake.url(),
        Some(SecretString::new(fake.anon_key())),
        secret.as_ref(),
        Duration::from_millis(500),
    )
    .unwrap()
}

/// A token with any header, signed with HMAC-SHA256 under `key`.
fn hmac_token(header: &serde_json::Value, claims: &serde_json::Value, key: &[u8]) -> String {
    let message = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message.as_bytes());
    format!("{message}.{}", b64(tag.as_ref()))
}

fn unauthorized(result: Result<alphaguard_auth::Identity, AuthError>) -> &'static str {
    match result {
        Err(AuthError::Unauthorized(reason)) => reason,
        other => panic!("expected unauthorized, got {other:?}"),
    }
}

#[tokio::test]
async fn es256_rs256_and_legacy_hs256_tokens_yield_the_identity() {
    let fake = FakeSupabase::start().await;
    fake.enable_discord_id_hook();
    let v = verifier(&fake, true)
        .with_discord_id_claim(alphaguard_auth::ClaimPath::parse("discord_id").unwrap());
    let claims = fake.claims(&alice());
    for token in [
        fake.mint(&claims),
        fake.mint_rs256(&claims),
        fake.mint_hs256(&claims),
    ] {
        let who = v.verify(&token).await.unwrap();
        assert_eq!(who.method, AuthMethod::SupabaseJwt);
        assert_eq!(
            who.subject.as_deref(),
            Some("7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11")
        );
        assert_eq!(who.role.as_deref(), Some("authenticated"));
        assert_eq!(who.email.as_deref(), Some("alice@example.com"));
        assert_eq!(who.discord_id, Some(123_456_789_012_345_678));
    }
    // One JWKS fetch served all of them.
    assert_eq!(fake.jwks_requests(), 1);
    // Local mode never calls /auth/v1/user.
    assert_eq!(fake.requests(), 0);
}

#[tokio::test]
async fn alg_none_is_refused() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, true);
    let claims = fake.claims(&alice());
    for header in [
        json!({"alg": "none", "typ": "JWT"}),
        json!({"alg": "none", "typ": "JWT", "kid": "es256-1"}),
        json!({"alg": "None"}),
    ] {
        let token = format!(
            "{}.{}.",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        unauthorized(v.verify(&token).await);
    }
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let fake = FakeSupabase::start().await;
    let claims = fake.claims(&alice());
    // With the RSA key's kid: the key is pinned to RS256.
    let with_kid = hmac_token(
        &json!({"alg": "HS256", "typ": "JWT", "kid": "rs256-1"}),
        &claims,
        RSA_TEST_PUBLIC_KEY_PEM.as_bytes(),
    );
    // Without a kid: only the legacy secret is an HMAC key.
    let without_kid = hmac_token(
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
        RSA_TEST_PUBLIC_KEY_PEM.as_bytes(),
    );
    for legacy in [true, false] {
        let v = verifier(&fake, legacy);
        assert_eq!(
            unauthorized(v.verify(&with_kid).await),
            "algorithm not allowed for this key"
        );
        unauthorized(v.verify(&without_kid).await);
    }
    // And an ES256 key's kid with RS256 in the header.
    let v = verifier(&fake, true);
    let rs_with_es_kid = {
        let rs = fake.mint_rs256(&claims);
        let mut parts: Vec<String> = rs.split('.').map(str::to_owned).collect();
        parts[0] = b64(json!({"alg": "RS256", "typ": "JWT", "kid": "es256-1"})
            .to_string()
            .as_bytes());
        parts.join(".")
    };
    assert_eq!(
        unauthorized(v.verify(&rs_with_es_kid).await),
        "algorithm not allowed for this key"
    );
}

#[tokio::test]
async fn time_issuer_and_audience_are_checked() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, true);
    let now = unix_now();
    let cases = [
        ("exp", json!(now - 120), "token expired"),
        ("nbf", json!(now + 600), "token not yet valid"),
        ("iss", json!("https://evil.example/auth/v1"), "wrong issuer"),
        ("iss", json!(fake.url()), "wrong issuer"),
        ("aud", json!("anon"), "wrong audience"),
        ("aud", json!(["service", "other"]), "wrong audience"),
    ];
    for (claim, value, reason) in cases {
        let mut claims = fake.claims(&alice());
        claims[claim] = value.clone();
        for token in [fake.mint(&claims), fake.mint_hs256(&claims)] {
            assert_eq!(
                unauthorized(v.verify(&token).await),
                reason,
                "{claim}={value}"
            );
        }
    }
    // Within the leeway, and `aud` as an array containing `authenticated`.
    let mut claims = fake.claims(&alice());
    claims["exp"] = json!(now - 5);
    claims["aud"] = json!(["other", "authenticated"]);
    v.verify(&fake.mint(&claims)).await.unwrap();
    // Required claims.
    for claim in ["exp", "sub", "aud", "iss"] {
        let mut claims = fake.claims(&alice());
        claims.as_object_mut().unwrap().remove(claim);
        unauthorized(v.verify(&fake.mint(&claims)).await);
    }
    let mut claims = fake.claims(&alice());
    claims["sub"] = json!("");
    unauthorized(v.verify(&fake.mint(&claims)).await);
}

#[tokio::test]
async fn the_project_api_keys_are_never_users() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, true);
    unauthorized(v.verify(&fake.anon_key()).await);
    unauthorized(v.verify(&fake.service_role_key()).await);
    // Even if someone minted one with every claim a user token has.
    for role in ["anon", "service_role"] {
        let mut claims = fake.claims(&alice());
        claims["role"] = json!(role);
        assert_eq!(
            unauthorized(v.verify(&fake.mint_hs256(&claims)).await),
            "project key is not a user"
        );
    }
}

#[tokio::test]
async fn tampered_tokens_are_refused() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, true);
    let claims = fake.claims(&alice());
    let mut evil = claims.clone();
    evil["sub"] = json!("00000000-0000-0000-0000-000000000000");
    evil["role"] = json!("service_role_admin");
    for token in [
        fake.mint(&claims),
        fake.mint_rs256(&claims),
        fake.mint_hs256(&claims),
    ] {
        let parts: Vec<&str> = token.split('.').collect();
        let swapped = format!(
            "{}.{}.{}",
            parts[0],
            b64(evil.to_string().as_bytes()),
            parts[2]
        );
        assert_eq!(unauthorized(v.verify(&swapped).await), "bad signature");
        // A flipped signature bit.
        let mut sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[2])
            .unwrap();
        sig[0] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
        unauthorized(v.verify(&flipped).await);
        // Truncated and garbage forms.
        unauthorized(v.verify(&format!("{}.{}", parts[0], parts[1])).await);
        unauthorized(v.verify(&token[..token.len() / 2]).await);
    }
    unauthorized(v.verify("not a jwt").await);
    unauthorized(v.verify("").await);
    unauthorized(v.verify("a.b.c").await);
}

#[tokio::test]
async fn a_legacy_token_without_a_configured_secret_is_refused() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, false);
    let token = fake.mint_hs256(&fake.claims(&alice()));
    assert_eq!(
        unauthorized(v.verify(&token).await),
        "no key for this token"
    );
}

#[tokio::test]
async fn oversized_tokens_are_refused_before_any_work() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, true);
    let mut claims = fake.claims(&alice());
    claims["padding"] = json!("x".repeat(MAX_TOKEN_LEN));
    let token = fake.mint(&claims);
    assert!(token.len() > MAX_TOKEN_LEN);
    assert_eq!(unauthorized(v.verify(&token).await), "malformed token");
    assert_eq!(fake.jwks_requests(), 0, "no fetch for an oversized token");
}

#[tokio::test]
async fn unknown_kid_before_and_after_rotation() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, false).with_refetch_cooldown(Duration::from_millis(300));
    let claims = fake.claims(&alice());
    let old = fake.mint(&claims);
    v.verify(&old).await.unwrap();
    assert_eq!(fake.jwks_requests(), 1);

    // A key Supabase has not published yet: one refetch, then refused.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let standby = fake.add_key(false);
    let early = fake.mint_with_kid(&standby, &claims);
    assert_eq!(unauthorized(v.verify(&early).await), "unknown signing key");
    assert_eq!(fake.jwks_requests(), 2);
    // Within the cooldown a flood of unknown kids makes no more fetches.
    for i in 0..50 {
        let forged = hmac_token(
            &json!({"alg": "ES256", "kid": format!("nope-{i}")}),
            &claims,
            b"x",
        );
        unauthorized(v.verify(&forged).await);
    }
    unauthorized(v.verify(&early).await);
    assert_eq!(fake.jwks_requests(), 2);

    // Rotation: the key is published and becomes current. After the
    // cooldown one fetch picks it up; old tokens stay valid until revoked.
    fake.publish(&standby);
    tokio::time::sleep(Duration::from_millis(350)).await;
    v.verify(&early).await.unwrap();
    assert_eq!(fake.jwks_requests(), 3);
    v.verify(&old).await.unwrap();

    // Revoking the old key: tokens under it fail once the JWKS is
    // refetched (here, prompted by another unknown kid after the cooldown).
    fake.revoke("es256-1");
    let newer = fake.rotate();
    tokio::time::sleep(Duration::from_millis(350)).await;
    v.verify(&fake.mint_with_kid(&newer, &claims))
        .await
        .unwrap();
    assert_eq!(unauthorized(v.verify(&old).await), "unknown signing key");
}

#[tokio::test]
async fn concurrent_unknown_kids_make_one_fetch() {
    let fake = FakeSupabase::start().await;
    fake.set_mode(SupabaseMode::Slow);
    let v = std::sync::Arc::new(verifier(&fake, false));
    let token = fake.mint(&fake.claims(&alice()));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let v = std::sync::Arc::clone(&v);
            let token = token.clone();
            tokio::spawn(async move { v.verify(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.jwks_requests(), 1);
}

#[tokio::test]
async fn the_jwks_is_refetched_when_its_max_age_passes() {
    let fake = FakeSupabase::start().await;
    fake.set_jwks_max_age(1);
    let token = fake.mint(&fake.claims(&alice()));

    // The default floor (30 s) holds against a tiny max-age.
    let floored = verifier(&fake, false).with_refetch_cooldown(Duration::from_millis(10));
    floored.verify(&token).await.unwrap();
    assert_eq!(fake.jwks_requests(), 1);

    // With the floor lowered, max-age=1 is obeyed: a revoked key is gone
    // after one refresh, with no unknown kid needed to prompt it.
    let v = verifier(&fake, false)
        .with_refetch_cooldown(Duration::from_millis(10))
        .with_min_jwks_ttl(Duration::from_millis(500));
    v.verify(&token).await.unwrap();
    assert_eq!(fake.jwks_requests(), 2);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    floored.verify(&token).await.unwrap();
    assert_eq!(
        fake.jwks_requests(),
        2,
        "the floored verifier did not refetch"
    );
    fake.revoke("es256-1");
    // The refresh happens in passing: this request still sees the old
    // set or the new one, but the next one sees the new one.
    let _ = v.verify(&token).await;
    assert_eq!(fake.jwks_requests(), 3);
    assert_eq!(unauthorized(v.verify(&token).await), "unknown signing key");
}

#[tokio::test]
async fn a_hanging_or_failing_supabase_is_unavailable_within_the_timeout() {
    let fake = FakeSupabase::start().await;
    let token = fake.mint(&fake.claims(&alice()));
    fake.set_mode(SupabaseMode::Hang);
    let v = verifier(&fake, true);
    let started = Instant::now();
    assert!(matches!(
        v.verify(&token).await,
        Err(AuthError::Unavailable(_))
    ));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // Legacy tokens need no JWKS and still work.
    v.verify(&fake.mint_hs256(&fake.claims(&alice())))
        .await
        .unwrap();

    // Once loaded, keys survive a failing JWKS.
    fake.set_mode(SupabaseMode::Normal);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    v.verify(&token).await.unwrap();
    fake.set_mode(SupabaseMode::Fail);
    let other = fake.add_key(true);
    let unknown = fake.mint_with_kid(&other, &fake.claims(&alice()));
    unauthorized(v.verify(&unknown).await);
    v.verify(&token).await.unwrap();
}

#[tokio::test]
async fn preload_fetches_at_start() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, false);
    assert_eq!(v.preload().await.unwrap(), 2);
    v.verify(&fake.mint(&fake.claims(&alice()))).await.unwrap();
    assert_eq!(fake.jwks_requests(), 1);
    let shown = format!("{v:?}");
    assert!(!shown.contains(&fake.jwt_secret()));
}
