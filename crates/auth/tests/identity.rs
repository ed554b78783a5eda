//! Where the Discord id comes from, attacked in both modes against a
//! loopback Supabase Auth: `user_metadata` is writable by the user
//! (`PUT /auth/v1/user`), so nothing in it may make anyone an owner.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use alphaguard_auth::{AuthError, Authenticator, Config, Identity, require_owner};
use alphaguard_test_support::{FakeSupabase, FakeUser};
use http::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const OWNER: u64 = 123_456_789_012_345_678;
const OWNER_TEXT: &str = "123456789012345678";

fn alice() -> FakeUser {
    FakeUser::discord(
        "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
        "alice@example.com",
        OWNER,
    )
}

fn mallory() -> FakeUser {
    FakeUser::email(
        "9a7d3f10-0000-4000-8000-00000000beef",
        "mallory@example.com",
    )
}

/// Everything a user can write into `user_metadata` to pass for the owner:
/// the keys Supabase fills for Discord logins, and keys named like the
/// server-controlled claims, nested and dotted.
fn spoofed_metadata() -> Value {
    json!({
        "provider_id": OWNER_TEXT,
        "sub": OWNER_TEXT,
        "discord_id": OWNER_TEXT,
        "app_metadata": {"provider": "discord", "discord_id": OWNER_TEXT},
        "app_metadata.discord_id": OWNER_TEXT,
        "identities": [{"provider": "discord", "id": OWNER_TEXT,
                        "identity_data": {"provider_id": OWNER_TEXT, "sub": OWNER_TEXT}}],
        "full_name": "mallory"
    })
}

fn authenticator(fake: &FakeSupabase, mode: &str, claim: Option<&str>) -> (Authenticator, Config) {
    let url = fake.url();
    let anon = fake.anon_key();
    let secret = fake.jwt_secret();
    let config = Config::from_lookup(|var| match var {
        "SUPABASE_URL" => Some(url.clone()),
        "SUPABASE_ANON_KEY" => Some(anon.clone()),
        "SUPABASE_JWT_MODE" => Some(mode.to_owned()),
        "SUPABASE_JWT_SECRET" => Some(secret.clone()),
        "SUPABASE_DISCORD_ID_CLAIM" => claim.map(str::to_owned),
        "OWNER_IDS" => Some(OWNER_TEXT.to_owned()),
        _ => None,
    })
    .unwrap();
    (Authenticator::from_config(&config).unwrap(), config)
}

/// `Authorization: Bearer <token>`.
fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    headers
}

async fn who(auth: &Authenticator, token: &str) -> Identity {
    auth.authenticate(&bearer(token)).await.unwrap()
}

fn refused(identity: &Identity, config: &Config) -> &'static str {
    match require_owner(identity, &config.owners) {
        Err(AuthError::Forbidden(reason)) => reason,
        other => panic!("expected 403, got {other:?} for {identity:?}"),
    }
}

#[tokio::test]
async fn remote_mode_takes_the_discord_id_from_identities_only() {
    let fake = FakeSupabase::start().await;
    let (auth, config) = authenticator(&fake, "remote", None);

    // The owner, with the Discord identity Supabase linked at login.
    let token = fake.sign_in(&alice());
    let owner = who(&auth, &token).await;
    assert_eq!(owner.discord_id, Some(OWNER));
    assert_eq!(require_owner(&owner, &config.owners), Ok(()));

    // The attack: a Discord-provider user with no linked Discord identity,
    // whose user_metadata names the owner's id every way it can.
    let mut attacks = Vec::new();
    let mut user = fake.user_json(&mallory());
    user["app_metadata"] = json!({"provider": "discord", "providers": ["discord"]});
    user["user_metadata"] = spoofed_metadata();
    attacks.push(user.clone());
    // ... with an e-mail identity whose identity_data carries the id.
    user["identities"] = json!([{
        "identity_id": "0b1e3c52-0000-4000-8000-0000000000aa",
        "id": OWNER_TEXT,
        "user_id": "9a7d3f10-0000-4000-8000-00000000beef",
        "identity_data": {"sub": OWNER_TEXT, "provider_id": OWNER_TEXT, "email": "mallory@example.com"},
        "provider": "email"
    }]);
    attacks.push(user.clone());
    // ... with two Discord identities naming different accounts: unclear,
    // so none.
    user["identities"] = json!([
        {"id": OWNER_TEXT, "provider": "discord", "identity_data": {"sub": OWNER_TEXT}},
        {"id": "222222222222222222", "provider": "discord", "identity_data": {"sub": "222222222222222222"}}
    ]);
    attacks.push(user);
    for (n, user) in attacks.into_iter().enumerate() {
        let token = fake.mint(&fake.claims(&mallory()));
        fake.add_user(&token, user);
        let identity = who(&auth, &token).await;
        assert_eq!(identity.discord_id, None, "attack {n}");
        assert_eq!(
            refused(&identity, &config),
            "no verified discord id",
            "attack {n}"
        );
    }
}

#[tokio::test]
async fn local_mode_without_the_claim_has_no_discord_ids() {
    let fake = FakeSupabase::start().await;
    let (auth, config) = authenticator(&fake, "local", None);
    // A genuine Discord login: Supabase puts the id in user_metadata,
    // which is not a trusted source, so the owner is not recognised.
    let claims = fake.claims(&alice());
    assert_eq!(claims["user_metadata"]["provider_id"], OWNER_TEXT);
    for token in [fake.mint(&claims), fake.mint_hs256(&claims)] {
        let identity = who(&auth, &token).await;
        assert_eq!(identity.discord_id, None);
        assert_eq!(refused(&identity, &config), "no verified discord id");
    }
    // The attack of the issue: HS256 with the metadata of a Discord login.
    let mut claims = fake.claims(&mallory());
    claims["app_metadata"] = json!({"provider": "discord", "providers": ["discord"]});
    claims["user_metadata"] = spoofed_metadata();
    let identity = who(&auth, &fake.mint_hs256(&claims)).await;
    assert_eq!(identity.discord_id, None);
    assert_eq!(refused(&identity, &config), "no verified discord id");
}

#[tokio::test]
async fn local_mode_reads_only_the_claim_the_server_controls() {
    let fake = FakeSupabase::start().await;
    for path in ["app_metadata.discord_id", "discord_id"] {
        let (auth, config) = authenticator(&fake, "local", Some(path));
        let set = |claims: &mut Value, value: Value| match path {
            "discord_id" => claims["discord_id"] = value,
            _ => claims["app_metadata"]["discord_id"] = value,
        };

        // The server wrote the claim: the owner is recognised, whichever
        // key signed the token.
        let mut claims = fake.claims(&alice());
        set(&mut claims, json!(OWNER_TEXT));
        for token in [
            fake.mint(&claims),
            fake.mint_rs256(&claims),
            fake.mint_hs256(&claims),
        ] {
            let identity = who(&auth, &token).await;
            assert_eq!(identity.discord_id, Some(OWNER), "{path}");
            assert_eq!(require_owner(&identity, &config.owners), Ok(()), "{path}");
        }
        // A JSON integer is read as well.
        set(&mut claims, json!(OWNER));
        assert_eq!(
            who(&auth, &fake.mint(&claims)).await.discord_id,
            Some(OWNER)
        );

        // The attack: the claim absent, the owner's id everywhere the user
        // can write, including user_metadata keys named like the claim.
        let mut claims = fake.claims(&mallory());
        claims["app_metadata"] = json!({"provider": "discord", "providers": ["discord"]});
        claims["user_metadata"] = spoofed_metadata();
        for token in [fake.mint(&claims), fake.mint_hs256(&claims)] {
            let identity = who(&auth, &token).await;
            assert_eq!(identity.discord_id, None, "{path}");
            assert_eq!(
                refused(&identity, &config),
                "no verified discord id",
                "{path}"
            );
        }

        // A claim that is there but is not a Discord id gives none.
        for bad in [
            json!("0123456789012345678"),
            json!("+123456789012345678"),
            json!("0"),
            json!(0),
            json!(-5),
            json!(1.5),
            json!(""),
            json!("123456789012345678 "),
            json!([OWNER_TEXT]),
            json!({"id": OWNER_TEXT}),
            json!(null),
            json!(true),
        ] {
            let mut claims = fake.claims(&alice());
            set(&mut claims, bad.clone());
            assert_eq!(
                who(&auth, &fake.mint(&claims)).await.discord_id,
                None,
                "{path} = {bad}"
            );
        }
    }
}

#[tokio::test]
async fn the_readme_hook_gives_the_owner_their_id_in_local_mode() {
    let fake = FakeSupabase::start().await;
    fake.enable_discord_id_hook();
    let (auth, config) = authenticator(&fake, "local", Some("discord_id"));
    let owner = who(&auth, &fake.sign_in(&alice())).await;
    assert_eq!(owner.discord_id, Some(OWNER));
    assert_eq!(require_owner(&owner, &config.owners), Ok(()));
    // An e-mail user gets no claim from the hook, whatever their metadata.
    let mut claims = fake.claims(&mallory());
    claims["user_metadata"] = spoofed_metadata();
    assert!(claims.get("discord_id").is_none());
    let identity = who(&auth, &fake.mint(&claims)).await;
    assert_eq!(refused(&identity, &config), "no verified discord id");
}

/// Finding of an outside review: a user id or role with a line break
/// could not be passed on as a header, so the gateway forwarded the
/// request as authenticated without `X-User-ID` or `X-User-Role`. Such an
/// identity is refused now: remote mode's answer is not Supabase's (503),
/// local mode's token is malformed (401).
#[tokio::test]
async fn identity_text_with_control_characters_is_refused() {
    let fake = FakeSupabase::start().await;
    let (remote, _) = authenticator(&fake, "remote", None);
    for (field, value) in [
        ("id", "9a7d3f10\r\nx-user-role: admin"),
        ("role", "authenticated\nadmin"),
        ("email", "m@example.com\u{1b}[2J"),
    ] {
        let token = fake.mint(&fake.claims(&mallory()));
        let mut user = fake.user_json(&mallory());
        user[field] = json!(value);
        fake.add_user(&token, user);
        let outcome = remote.authenticate(&bearer(&token)).await;
        assert!(
            matches!(outcome, Err(AuthError::Unavailable(_))),
            "remote, {field}: {outcome:?}"
        );
    }
    let (local, _) = authenticator(&fake, "local", None);
    for (claim, value) in [
        ("sub", "9a7d3f10\r\nx"),
        ("role", "authenticated\n"),
        ("email", "m@example.com\u{0}"),
    ] {
        let mut claims = fake.claims(&mallory());
        claims[claim] = json!(value);
        let outcome = local.authenticate(&bearer(&fake.mint(&claims))).await;
        assert!(
            matches!(outcome, Err(AuthError::Unauthorized(_))),
            "local, {claim}: {outcome:?}"
        );
    }
    // The same user without them is taken in both modes.
    let token = fake.sign_in(&mallory());
    assert!(remote.authenticate(&bearer(&token)).await.is_ok());
    assert!(local.authenticate(&bearer(&token)).await.is_ok());
}

/// Finding of an outside review: a local-mode token whose payload names
/// `app_metadata` twice, the second naming the owner, was granted owner
/// (`serde_json` keeps the last key; another reader may keep the first).
/// A key twice in any object of the claims is refused now (only the
/// signing key's holder can make one, but then it must mean one thing).
#[tokio::test]
async fn local_mode_refuses_a_key_twice_in_the_claims() {
    use base64::Engine as _;
    let fake = FakeSupabase::start().await;
    let (auth, _) = authenticator(&fake, "local", Some("app_metadata.discord_id"));
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    // HS256 with the project's legacy secret, over the payload as written.
    let sign = |payload: &str| {
        let head = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
        let signed = format!("{head}.{}", b64(payload.as_bytes()));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, fake.jwt_secret().as_bytes());
        let tag = ring::hmac::sign(&key, signed.as_bytes());
        format!("{signed}.{}", b64(tag.as_ref()))
    };
    let claims = fake.claims(&mallory());
    let base = claims.to_string();
    // The members, without the object's own braces.
    let body = &base[1..base.len() - 1];
    // The claims as minted, with nothing twice: taken (the hand-made
    // signature is right).
    let plain = sign(&base);
    assert!(auth.authenticate(&bearer(&plain)).await.is_ok());
    for twice in [
        format!(r#"{{{body},"app_metadata":{{"discord_id":"{OWNER_TEXT}"}}}}"#),
        format!(r#"{{{body},"sub":"someone-else"}}"#),
        format!(r#"{{{body},"extra":{{"discord_id":"1","discord_id":"{OWNER_TEXT}"}}}}"#),
    ] {
        let outcome = auth.authenticate(&bearer(&sign(&twice))).await;
        assert!(
            matches!(outcome, Err(AuthError::Unauthorized(_))),
            "{twice}: {outcome:?}"
        );
    }
}

/// Supabase's answer about a user is read as strictly as a token's claims:
/// a key twice in any object is refused (503: not Supabase's answer), not
/// read as its last value. An outside review had an owner made of
/// `"identity_data": {"provider_id": "2…", "provider_id": "<owner>"}`.
#[tokio::test]
async fn remote_mode_refuses_a_key_twice_in_the_answer() {
    let fake = FakeSupabase::start().await;
    let (auth, _) = authenticator(&fake, "remote", None);
    let user = fake.user_json(&alice()).to_string();
    // The members, without the object's own braces.
    let body = &user[1..user.len() - 1];
    let token = fake.mint(&fake.claims(&alice()));
    fake.answer(&token, 200, &user);
    assert!(
        auth.authenticate(&bearer(&token)).await.is_ok(),
        "as written"
    );
    for (n, twice) in [
        format!(
            r#"{{"id":"u-2","aud":"authenticated","role":"authenticated","email":"m@example.com","identities":[{{"provider":"discord","identity_data":{{"provider_id":"222222222222222222","provider_id":"{OWNER_TEXT}"}}}}]}}"#
        ),
        format!(r#"{{{body},"user_metadata":{{"a":1}},"user_metadata":{{"a":2}}}}"#),
        format!(r#"{{{body},"app_metadata":{{"provider":"email","provider":"discord"}}}}"#),
    ]
    .into_iter()
    .enumerate()
    {
        let token = fake.mint(&fake.claims(&mallory()));
        fake.answer(&token, 200, &twice);
        let outcome = auth.authenticate(&bearer(&token)).await;
        assert!(
            matches!(outcome, Err(AuthError::Unavailable(_))),
            "case {n}: {outcome:?}"
        );
    }
}
