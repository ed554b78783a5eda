//! The local JWT verifier: arbitrary tokens, arbitrary JWKS documents, and
//! bytes spliced into a genuine token. Never a panic, and nothing verifies
//! unless it carries a valid signature: a token the verifier accepts must
//! have the signing input (header and payload) of the one token this
//! target signed.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use alphaguard_auth::{ClaimPath, LocalVerifier, SecretString};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use libfuzzer_sys::fuzz_target;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use tokio::runtime::Runtime;

/// Nothing listens here: a fetch the verifier might try fails at once.
const SUPABASE_URL: &str = "http://127.0.0.1:9";
const JWT_SECRET: &str = "fuzz-legacy-secret-of-32-characters-or-more";

struct Fixture {
    runtime: Runtime,
    /// Knows the genuine key (and the legacy secret).
    genuine: LocalVerifier,
    /// Loads whatever JWKS the fuzzer writes.
    open: LocalVerifier,
    token: String,
    signing_input: String,
}

fn verifier(runtime: &Runtime, jwks: &str) -> LocalVerifier {
    let secret = SecretString::new(JWT_SECRET.to_owned());
    let verifier = LocalVerifier::new(SUPABASE_URL, None, Some(&secret), Duration::from_millis(200))
        .expect("verifier")
        .with_refetch_cooldown(Duration::from_secs(86_400))
        .with_discord_id_claim(ClaimPath::parse("app_metadata.discord_id").expect("claim"));
    runtime
        .block_on(verifier.load_jwks(jwks.as_bytes()))
        .expect("jwks");
    verifier
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("P-256 key");
        let key = EncodingKey::from_ec_der(pkcs8.as_ref());
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).expect("jwk");
        jwk.common.key_id = Some("fuzz-1".to_owned());
        let jwks = serde_json::json!({ "keys": [jwk] }).to_string();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let claims = serde_json::json!({
            "iss": format!("{SUPABASE_URL}/auth/v1"),
            "sub": "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
            "aud": "authenticated",
            "exp": now + 10 * 365 * 86_400,
            "iat": now,
            "role": "authenticated",
            "email": "alice@example.com",
            "app_metadata": {"provider": "discord", "discord_id": "123456789012345678"},
            "user_metadata": {"provider_id": "987654321098765432"}
        });
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("fuzz-1".to_owned());
        let token = jsonwebtoken::encode(&header, &claims, &key).expect("token");
        let signing_input = token[..token.rfind('.').expect("three parts")].to_owned();
        let genuine = verifier(&runtime, &jwks);
        let open = verifier(&runtime, r#"{"keys":[]}"#);
        // The control: the genuine token verifies, so refusals below mean
        // something.
        let who = runtime.block_on(genuine.verify(&token)).expect("the genuine token");
        assert_eq!(who.discord_id, Some(123_456_789_012_345_678));
        Fixture {
            runtime,
            genuine,
            open,
            token,
            signing_input,
        }
    })
}

fn check(fixture: &Fixture, verifier: &LocalVerifier, token: &str) {
    if let Ok(who) = fixture.runtime.block_on(verifier.verify(token)) {
        let signing_input = token.rsplit_once('.').map_or(token, |(input, _)| input);
        assert_eq!(
            signing_input, fixture.signing_input,
            "accepted a token this target never signed: {token:?} as {who:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 3 {
        // Any token against the genuine keys.
        0 => check(fixture, &fixture.genuine, &String::from_utf8_lossy(rest)),
        // The genuine token with bytes written over it at some offset.
        1 => {
            let Some((&at, patch)) = rest.split_first() else {
                return;
            };
            let mut token = fixture.token.as_bytes().to_vec();
            let start = (usize::from(at) * token.len()) / 256;
            for (slot, byte) in token[start..].iter_mut().zip(patch) {
                *slot = *byte;
            }
            check(fixture, &fixture.genuine, &String::from_utf8_lossy(&token));
        }
        // Any JWKS document, then any token against it.
        _ => {
            let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let (document, token) = rest.split_at(split);
            let token = token.get(1..).unwrap_or_default();
            let _ = fixture.runtime.block_on(fixture.open.load_jwks(document));
            check(fixture, &fixture.open, &String::from_utf8_lossy(token));
        }
    }
});
