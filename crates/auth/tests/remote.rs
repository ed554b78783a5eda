//! Remote verification against a loopback server that answers like
//! Supabase Auth.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alphaguard_auth::{AuthError, AuthMethod, MAX_TOKEN_LEN, RemoteVerifier, SecretString};
use alphaguard_test_support::{FakeSupabase, SupabaseMode};
use base64::Engine as _;
use serde_json::json;

fn verifier(fake: &FakeSupabase, anon: &str, timeout_ms: u64) -> RemoteVerifier {
    RemoteVerifier::new(
        &fake.url(),
        Some(SecretString::new(anon.to_owned())),
        Duration::from_millis(timeout_ms),
        Duration::from_secs(30),
    )
    .unwrap()
}

/// A JWT-shaped token whose payload says `exp` (the fake does not check
/// signatures; the verifier reads `exp` only for its cache lifetime).
fn token(name: &str, exp_in: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let payload = json!({"sub": name, "exp": now + exp_in}).to_string();
    format!(
        "eyJhbGciOiJFUzI1NiJ9.{}.sig-{name}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
    )
}

fn discord_user() -> serde_json::Value {
    json!({
        "id": "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
        "aud": "authenticated",
        "role": "authenticated",
        "email": "alice@example.com",
        "app_metadata": {"provider": "discord", "providers": ["discord"]},
        "user_metadata": {"full_name": "alice", "provider_id": "123456789012345678"},
        "identities": [{
            "identity_id": "0b1e3c52-0000-4000-8000-000000000001",
            "id": "123456789012345678",
            "user_id": "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
            "identity_data": {"sub": "123456789012345678", "provider_id": "123456789012345678", "email": "alice@example.com"},
            "provider": "discord"
        }],
        "created_at": "2026-01-01T00:00:00Z"
    })
}

#[tokio::test]
async fn a_valid_token_yields_the_identity_once_then_from_cache() {
    let fake = FakeSupabase::start().await;
    let t = token("alice", 3600);
    fake.add_user(&t, discord_user());
    let v = verifier(&fake, &fake.anon_key(), 3000);
    let identity = v.verify(&t).await.unwrap();
    assert_eq!(identity.method, AuthMethod::SupabaseJwt);
    assert_eq!(
        identity.subject.as_deref(),
        Some("7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11")
    );
    assert_eq!(identity.role.as_deref(), Some("authenticated"));
    assert_eq!(identity.email.as_deref(), Some("alice@example.com"));
    assert_eq!(identity.discord_id, Some(123_456_789_012_345_678));
    assert_eq!(v.verify(&t).await.unwrap(), identity);
    assert_eq!(fake.requests(), 1);
}

#[tokio::test]
async fn supabase_refusals_are_unauthorized_and_briefly_remembered() {
    let fake = FakeSupabase::start().await;
    let banned = token("mallory", 3600);
    fake.answer(
        &banned,
        403,
        r#"{"code":403,"error_code":"user_banned","msg":"User is banned"}"#,
    );
    let gone = token("bob", 3600);
    fake.answer(&gone, 403, r#"{"code":403,"error_code":"session_not_found","msg":"Session from session_id claim in JWT does not exist"}"#);
    let v = verifier(&fake, &fake.anon_key(), 3000);
    for t in [&banned, &gone, &token("unknown", 3600)] {
        assert!(matches!(v.verify(t).await, Err(AuthError::Unauthorized(_))));
    }
    assert_eq!(fake.requests(), 3);
    assert!(matches!(
        v.verify(&banned).await,
        Err(AuthError::Unauthorized(_))
    ));
    assert_eq!(fake.requests(), 3, "the refusal was cached");
    // Without the right apikey, Supabase's gateway refuses (401).
    let wrong = verifier(&fake, "not-the-anon-key", 3000);
    assert!(matches!(
        wrong.verify(&token("x", 60)).await,
        Err(AuthError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn failures_are_unavailable_and_not_cached() {
    let fake = FakeSupabase::start().await;
    let t = token("alice", 3600);
    fake.add_user(&t, discord_user());
    let v = verifier(&fake, &fake.anon_key(), 3000);
    fake.set_mode(SupabaseMode::Fail);
    assert!(matches!(v.verify(&t).await, Err(AuthError::Unavailable(_))));
    fake.set_mode(SupabaseMode::Normal);
    assert!(v.verify(&t).await.is_ok());
}

#[tokio::test]
async fn a_hanging_supabase_ends_within_the_timeout() {
    let fake = FakeSupabase::start().await;
    fake.set_mode(SupabaseMode::Hang);
    let v = verifier(&fake, &fake.anon_key(), 300);
    let started = Instant::now();
    let result = v.verify(&token("alice", 3600)).await;
    assert!(
        matches!(result, Err(AuthError::Unavailable(_))),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checks_of_one_token_make_one_request() {
    let fake = FakeSupabase::start().await;
    fake.set_mode(SupabaseMode::Slow);
    let t = token("alice", 3600);
    fake.add_user(&t, discord_user());
    let v = std::sync::Arc::new(verifier(&fake, &fake.anon_key(), 3000));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (v, t) = (v.clone(), t.clone());
            tokio::spawn(async move { v.verify(&t).await.map(|i| i.discord_id) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), Ok(Some(123_456_789_012_345_678)));
    }
    assert_eq!(fake.requests(), 1);
}

#[tokio::test]
async fn the_cache_never_outlives_the_token() {
    let fake = FakeSupabase::start().await;
    let t = token("alice", 1);
    fake.add_user(&t, discord_user());
    let v = verifier(&fake, &fake.anon_key(), 3000);
    v.verify(&t).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    v.verify(&t).await.unwrap();
    assert_eq!(fake.requests(), 2);
}

#[tokio::test]
async fn oversized_and_malformed_tokens_never_leave_the_process() {
    let fake = FakeSupabase::start().await;
    let v = verifier(&fake, &fake.anon_key(), 3000);
    for t in [
        "".to_owned(),
        "x".repeat(MAX_TOKEN_LEN + 1),
        "tök.en".to_owned(),
    ] {
        assert!(matches!(
            v.verify(&t).await,
            Err(AuthError::Unauthorized(_))
        ));
    }
    assert_eq!(fake.requests(), 0);
    let shown = format!("{v:?}");
    assert!(!shown.contains(&fake.anon_key()), "{shown}");
}
