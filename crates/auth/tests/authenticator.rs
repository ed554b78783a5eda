//! The authenticator and its tower layer, end to end against a loopback
//! Supabase Auth: JWT first, API key second, spoofed identity headers
//! ignored and stripped, unavailable kept apart from unauthorized.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use alphaguard_auth::layer::AuthLayer;
use alphaguard_auth::{AuthError, AuthMethod, Authenticator, Config, Identity};
use alphaguard_test_support::{FakeSupabase, FakeUser, SupabaseMode};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use tower::{ServiceBuilder, ServiceExt, service_fn};

const KEY: &str = "service-key-0123456789abcdef";

fn alice() -> FakeUser {
    FakeUser::discord(
        "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
        "alice@example.com",
        123_456_789_012_345_678,
    )
}

fn authenticator(fake: &FakeSupabase, mode: &str, api_key: bool) -> Authenticator {
    let url = fake.url();
    let anon = fake.anon_key();
    let secret = fake.jwt_secret();
    let config = Config::from_lookup(|var| match var {
        "SUPABASE_URL" => Some(url.clone()),
        "SUPABASE_ANON_KEY" => Some(anon.clone()),
        "SUPABASE_JWT_MODE" => Some(mode.to_owned()),
        "SUPABASE_JWT_SECRET" => Some(secret.clone()),
        "SUPABASE_DISCORD_ID_CLAIM" => Some("discord_id".to_owned()),
        "SUPABASE_TIMEOUT_MS" => Some("400".to_owned()),
        "API_KEY" if api_key => Some(format!("old-key-0123456789abcdef,{KEY}")),
        _ => None,
    })
    .unwrap();
    Authenticator::from_config(&config).unwrap()
}

fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[tokio::test]
async fn jwt_first_then_api_key_in_both_modes() {
    let fake = FakeSupabase::start().await;
    // Local mode reads the Discord id from the hook's claim.
    fake.enable_discord_id_hook();
    let token = fake.sign_in(&alice());
    for mode in ["remote", "local"] {
        let auth = authenticator(&fake, mode, true);
        let who = auth
            .authenticate(&headers(&[
                ("authorization", format!("Bearer {token}")),
                ("x-api-key", KEY.to_owned()),
            ]))
            .await
            .unwrap();
        assert_eq!(who.method, AuthMethod::SupabaseJwt, "{mode}");
        assert_eq!(who.discord_id, Some(123_456_789_012_345_678), "{mode}");

        // A bad JWT falls back to a good key.
        let who = auth
            .authenticate(&headers(&[
                ("authorization", "Bearer not.a.token".to_owned()),
                ("x-api-key", KEY.to_owned()),
            ]))
            .await
            .unwrap();
        assert_eq!(who.method, AuthMethod::ApiKey, "{mode}");
        assert!(who.subject.is_none());

        // Both bad: unauthorized.
        assert!(matches!(
            auth.authenticate(&headers(&[
                ("authorization", "Bearer not.a.token".to_owned()),
                ("x-api-key", "wrong-key-0123456789abcdef".to_owned()),
            ]))
            .await,
            Err(AuthError::Unauthorized(_))
        ));
    }
}

#[tokio::test]
async fn spoofed_identity_headers_are_never_read() {
    let fake = FakeSupabase::start().await;
    for mode in ["remote", "local"] {
        let auth = authenticator(&fake, mode, true);
        let spoof = [
            ("x-user-id", "1".to_owned()),
            ("x-forwarded-user", "admin".to_owned()),
            ("x-auth-request-user", "admin".to_owned()),
            ("x-remote-user", "admin".to_owned()),
        ];
        assert_eq!(
            auth.authenticate(&headers(&spoof)).await,
            Err(AuthError::Unauthorized("missing credentials"))
        );
    }
}

#[tokio::test]
async fn unavailable_is_not_unauthorized() {
    let fake = FakeSupabase::start().await;
    let token = fake.sign_in(&alice());
    fake.set_mode(SupabaseMode::Hang);
    for mode in ["remote", "local"] {
        let auth = authenticator(&fake, mode, true);
        let started = Instant::now();
        let outcome = auth
            .authenticate(&headers(&[("authorization", format!("Bearer {token}"))]))
            .await;
        assert!(
            matches!(outcome, Err(AuthError::Unavailable(_))),
            "{mode}: {outcome:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{mode}");
        // A wrong API key does not turn "Supabase down" into "you are wrong".
        let outcome = auth
            .authenticate(&headers(&[
                ("authorization", format!("Bearer {token}")),
                ("x-api-key", "wrong-key-0123456789abcdef".to_owned()),
            ]))
            .await;
        assert!(matches!(outcome, Err(AuthError::Unavailable(_))), "{mode}");
        // A good API key still gets in while Supabase is down.
        let who = auth
            .authenticate(&headers(&[
                ("authorization", format!("Bearer {token}")),
                ("x-api-key", KEY.to_owned()),
            ]))
            .await
            .unwrap();
        assert_eq!(who.method, AuthMethod::ApiKey);
    }
}

#[tokio::test]
async fn remote_mode_sees_a_ban_that_local_mode_cannot() {
    let fake = FakeSupabase::start().await;
    let token = fake.mint(&fake.claims(&alice()));
    fake.answer(
        &token,
        403,
        r#"{"code":403,"error_code":"user_banned","msg":"User is banned"}"#,
    );
    let bearer = headers(&[("authorization", format!("Bearer {token}"))]);
    assert!(matches!(
        authenticator(&fake, "remote", false)
            .authenticate(&bearer)
            .await,
        Err(AuthError::Unauthorized(_))
    ));
    // The documented trade-off: the signature is still good until `exp`.
    authenticator(&fake, "local", false)
        .authenticate(&bearer)
        .await
        .unwrap();
}

async fn echo(
    request: Request<Full<Bytes>>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let who = request.extensions().get::<Identity>().cloned();
    let leaked: Vec<String> = request
        .headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.contains("user") || k.starts_with("x-auth"))
        .collect();
    let body = format!(
        "{}|{}|{}",
        who.map_or("none", |w| w.method.as_str()),
        leaked.join(","),
        request.headers().contains_key("x-api-key"),
    );
    Ok(Response::new(Full::new(Bytes::from(body))))
}

#[tokio::test]
async fn the_layer_strips_authenticates_and_refuses() {
    let fake = FakeSupabase::start().await;
    let token = fake.sign_in(&alice());
    let auth = Arc::new(authenticator(&fake, "local", true));
    let app = ServiceBuilder::new()
        .layer(AuthLayer::new(auth))
        .service(service_fn(echo));

    let request = |pairs: &[(&str, String)]| {
        let mut builder = Request::get("/api/me");
        for (k, v) in pairs {
            builder = builder.header(*k, v);
        }
        builder.body(Full::new(Bytes::new())).unwrap()
    };

    let ok = app
        .clone()
        .oneshot(request(&[
            ("authorization", format!("Bearer {token}")),
            ("x-user-id", "1".to_owned()),
            ("X_Forwarded_User", "root".to_owned()),
            ("x-auth-request-email", "root@example.com".to_owned()),
        ]))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body = ok.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"supabase_jwt||false");

    let refused = app
        .clone()
        .oneshot(request(&[("x-user-id", "1".to_owned())]))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    let body = refused.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"error":"unauthorized"}"#);

    fake.set_mode(SupabaseMode::Fail);
    let other = fake.add_key(true);
    let unknown = fake.mint_with_kid(&other, &fake.claims(&alice()));
    // Keys never loaded in a fresh authenticator while the JWKS fails: 503.
    let fresh = ServiceBuilder::new()
        .layer(AuthLayer::new(Arc::new(authenticator(
            &fake, "local", false,
        ))))
        .service(service_fn(echo));
    let unavailable = fresh
        .oneshot(request(&[("authorization", format!("Bearer {unknown}"))]))
        .await
        .unwrap();
    assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(!unavailable.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn the_owner_layer_admits_owners_only() {
    use alphaguard_auth::IdList;
    use alphaguard_auth::layer::OwnerLayer;

    let fake = FakeSupabase::start().await;
    fake.enable_discord_id_hook();
    let owners = IdList::parse("123456789012345678").unwrap();
    let admin = |auth: Authenticator| {
        ServiceBuilder::new()
            .layer(AuthLayer::new(Arc::new(auth)))
            .layer(OwnerLayer::new(owners.clone()))
            .service(service_fn(echo))
    };
    let request = |pairs: &[(&str, String)]| {
        let mut builder = Request::post("/api/admin/secrets/clear-cache");
        for (k, v) in pairs {
            builder = builder.header(*k, v);
        }
        builder.body(Full::new(Bytes::new())).unwrap()
    };
    let owner = fake.sign_in(&alice());
    let other = fake.sign_in(&FakeUser::discord(
        "11111111-2222-4333-8444-555555555555",
        "bob@example.com",
        222_222_222_222_222_222,
    ));
    for mode in ["remote", "local"] {
        let app = admin(authenticator(&fake, mode, true));
        let ok = app
            .clone()
            .oneshot(request(&[("authorization", format!("Bearer {owner}"))]))
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "{mode}");

        for who in [
            ("authorization", format!("Bearer {other}")),
            ("x-api-key", KEY.to_owned()),
        ] {
            let refused = app.clone().oneshot(request(&[who])).await.unwrap();
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{mode}");
            assert!(!refused.headers().contains_key("www-authenticate"));
            let body = refused.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(&body[..], br#"{"error":"forbidden"}"#);
        }
        // A spoofed X-Discord-Id is stripped before anything reads it.
        let spoofed = app
            .clone()
            .oneshot(request(&[
                ("x-api-key", KEY.to_owned()),
                ("x-discord-id", "123456789012345678".to_owned()),
            ]))
            .await
            .unwrap();
        assert_eq!(spoofed.status(), StatusCode::FORBIDDEN);
    }

    // Without an AuthLayer in front there is no identity: 401, fail closed.
    let bare = ServiceBuilder::new()
        .layer(OwnerLayer::new(owners.clone()))
        .service(service_fn(echo));
    let refused = bare
        .oneshot(request(&[("authorization", format!("Bearer {owner}"))]))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
}
