use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::jwk::{Jwk, KeyAlgorithm};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the fake answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupabaseMode {
    /// As Supabase does.
    Normal,
    /// Accepts, reads the request, and never answers.
    Hang,
    /// 500 with Supabase's error body.
    Fail,
    /// As `Normal`, 300 ms later.
    Slow,
}

/// The fixed RSA test key (2048 bits, PKCS#1), used only by the fake.
pub(crate) const RSA_TEST_KEY: &str = include_str!("../data/rsa-test-key.pem");
/// Its public half (SPKI PEM): what an attacker would use as an HMAC key.
pub const RSA_TEST_PUBLIC_KEY_PEM: &str = include_str!("../data/rsa-test-key.pub.pem");

struct SigningKey {
    kid: String,
    alg: Algorithm,
    encoding: EncodingKey,
    jwk: serde_json::Value,
    published: bool,
}

/// The routes the fake answers.
#[derive(Clone, Copy)]
enum Route {
    User,
    Jwks,
    Settings,
}

/// `GET /auth/v1/settings` as GoTrue answers it (abridged).
const SETTINGS: &str = r#"{"external":{"anonymous_users":false,"discord":true,"email":true,"github":false,"google":false,"phone":false},"disable_signup":false,"mailer_autoconfirm":false,"phone_autoconfirm":false,"sms_provider":"","saml_enabled":false}"#;

struct State {
    anon_key: String,
    users: HashMap<String, (u16, String)>,
    mode: SupabaseMode,
    keys: Vec<SigningKey>,
    current: String,
    jwks_max_age: u64,
    next_kid: usize,
    discord_hook: bool,
}

/// A loopback stand-in for Supabase Auth.
///
/// - `GET /auth/v1/user`: the same `apikey` requirement (401 from its
///   gateway without it), 401 `no_authorization` without a bearer token,
///   403 `bad_jwt` for an unknown one, and the user JSON (or any status and
///   body set with [`Self::answer`]) for a known one.
/// - `GET /auth/v1/settings`: the project's public auth settings, behind
///   the same `apikey` requirement (what `alphaguard doctor` asks).
/// - `GET /auth/v1/.well-known/jwks.json`: the public signing keys, with
///   `Cache-Control: public, max-age=…`; keys can be added, published and
///   revoked to rotate them.
/// - Real tokens: ES256 and RS256 access tokens signed by those keys,
///   legacy HS256 ones signed with the project's JWT secret, and the
///   project's `anon` and `service_role` API keys (HS256 JWTs without a
///   `sub`), as Supabase issues them.
///
/// Runs on the current tokio runtime until dropped with it.
#[derive(Clone)]
pub struct FakeSupabase {
    addr: SocketAddr,
    jwt_secret: Arc<String>,
    state: Arc<Mutex<State>>,
    requests: Arc<AtomicUsize>,
    jwks_requests: Arc<AtomicUsize>,
}

impl std::fmt::Debug for FakeSupabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSupabase")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// A user of the fake project, for [`FakeSupabase::sign_in`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// The user id (`sub`), a UUID.
    pub id: String,
    /// The e-mail.
    pub email: String,
    /// The Discord user id, for a Discord login.
    pub discord_id: Option<u64>,
}

impl FakeUser {
    /// A Discord login.
    pub fn discord(id: &str, email: &str, discord_id: u64) -> Self {
        Self {
            id: id.to_owned(),
            email: email.to_owned(),
            discord_id: Some(discord_id),
        }
    }

    /// An e-mail login.
    pub fn email(id: &str, email: &str) -> Self {
        Self {
            id: id.to_owned(),
            email: email.to_owned(),
            discord_id: None,
        }
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).expect("system random");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub(crate) fn pem_body(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("test key PEM")
}

fn public_jwk(encoding: &EncodingKey, alg: Algorithm, kid: &str) -> serde_json::Value {
    let mut jwk = Jwk::from_encoding_key(encoding, alg).expect("public JWK");
    jwk.common.key_id = Some(kid.to_owned());
    jwk.common.key_algorithm = Some(match alg {
        Algorithm::RS256 => KeyAlgorithm::RS256,
        _ => KeyAlgorithm::ES256,
    });
    let mut value = serde_json::to_value(&jwk).expect("JWK JSON");
    // Supabase publishes `key_ops: ["verify"]` and `ext: true`.
    value["key_ops"] = json!(["verify"]);
    value["ext"] = json!(true);
    value
}

fn new_es256(kid: String, published: bool) -> SigningKey {
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .expect("P-256 key");
    let encoding = EncodingKey::from_ec_der(pkcs8.as_ref());
    let jwk = public_jwk(&encoding, Algorithm::ES256, &kid);
    SigningKey {
        kid,
        alg: Algorithm::ES256,
        encoding,
        jwk,
        published,
    }
}

fn sign(
    claims: &serde_json::Value,
    alg: Algorithm,
    kid: Option<&str>,
    key: &EncodingKey,
) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign test token")
}

const BAD_JWT: &str = r#"{"code":403,"error_code":"bad_jwt","msg":"invalid JWT: unable to parse or verify signature, token is malformed"}"#;
const NO_AUTHORIZATION: &str = r#"{"code":401,"error_code":"no_authorization","msg":"This endpoint requires a valid Bearer token"}"#;
const NO_APIKEY: &str = r#"{"message":"No API key found in request","hint":"No `apikey` request header or url param was found."}"#;
const INTERNAL: &str = r#"{"code":500,"error_code":"unexpected_failure","msg":"Unexpected failure, please check server logs for more information"}"#;

impl FakeSupabase {
    /// Starts on a free loopback port with a fresh project: a random JWT
    /// secret, its `anon` key (required as the `apikey` header), an ES256
    /// signing key (current) and the RSA test key, both published.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let jwt_secret = random_token(32);
        let anon_key = project_key(&jwt_secret, "anon");
        let rsa = EncodingKey::from_rsa_der(&pem_body(RSA_TEST_KEY));
        let rsa_jwk = public_jwk(&rsa, Algorithm::RS256, "rs256-1");
        let keys = vec![
            new_es256("es256-1".to_owned(), true),
            SigningKey {
                kid: "rs256-1".to_owned(),
                alg: Algorithm::RS256,
                encoding: rsa,
                jwk: rsa_jwk,
                published: true,
            },
        ];
        let fake = Self {
            addr,
            jwt_secret: Arc::new(jwt_secret),
            state: Arc::new(Mutex::new(State {
                anon_key,
                users: HashMap::new(),
                mode: SupabaseMode::Normal,
                keys,
                current: "es256-1".to_owned(),
                jwks_max_age: 600,
                next_kid: 2,
                discord_hook: false,
            })),
            requests: Arc::new(AtomicUsize::new(0)),
            jwks_requests: Arc::new(AtomicUsize::new(0)),
        };
        let server = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move { server.serve(stream).await });
            }
        });
        fake
    }

    /// `http://127.0.0.1:{port}`, the value for `SUPABASE_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `{url}/auth/v1`, the `iss` of the project's access tokens.
    pub fn issuer(&self) -> String {
        format!("{}/auth/v1", self.url())
    }

    /// The project's `anon` key (`SUPABASE_ANON_KEY`).
    pub fn anon_key(&self) -> String {
        self.lock().anon_key.clone()
    }

    /// The project's `service_role` key.
    pub fn service_role_key(&self) -> String {
        project_key(&self.jwt_secret, "service_role")
    }

    /// The legacy JWT secret (`SUPABASE_JWT_SECRET`).
    pub fn jwt_secret(&self) -> String {
        self.jwt_secret.as_ref().clone()
    }

    /// Enables the custom access token hook of the crate's README
    /// (`public.custom_access_token_hook`): from now on [`Self::claims`]
    /// carries a top-level `discord_id` claim (a string) copied from the
    /// user's Discord identity, and none for users without one.
    pub fn enable_discord_id_hook(&self) {
        self.lock().discord_hook = true;
    }

    /// The claims Supabase puts in an access token for `user`, valid for
    /// an hour from now. Change them to build bad tokens. As Supabase does,
    /// a Discord login's `user_metadata` carries the Discord id
    /// (`provider_id`, `sub`): user-writable, so never an identity source.
    pub fn claims(&self, user: &FakeUser) -> serde_json::Value {
        let now = unix_now();
        let (provider, user_metadata) = match user.discord_id {
            Some(id) => (
                "discord",
                json!({"email": user.email, "full_name": "test user",
                       "provider_id": id.to_string(), "sub": id.to_string()}),
            ),
            None => ("email", json!({"email": user.email})),
        };
        let mut claims = json!({
            "iss": self.issuer(),
            "sub": user.id,
            "aud": "authenticated",
            "exp": now + 3600,
            "iat": now,
            "email": user.email,
            "phone": "",
            "app_metadata": {"provider": provider, "providers": [provider]},
            "user_metadata": user_metadata,
            "role": "authenticated",
            "aal": "aal1",
            "amr": [{"method": "oauth", "timestamp": now}],
            "session_id": "5b0b8e5e-3b36-4e3c-9d59-000000000001",
            "is_anonymous": false
        });
        if let (true, Some(id)) = (self.lock().discord_hook, user.discord_id) {
            claims["discord_id"] = json!(id.to_string());
        }
        claims
    }

    /// Signs `claims` with the current signing key (ES256 unless rotated),
    /// its `kid` in the header.
    pub fn mint(&self, claims: &serde_json::Value) -> String {
        let kid = self.lock().current.clone();
        self.mint_with_kid(&kid, claims)
    }

    /// Signs `claims` with the key `kid` (published or not).
    pub fn mint_with_kid(&self, kid: &str, claims: &serde_json::Value) -> String {
        let state = self.lock();
        let key = state
            .keys
            .iter()
            .find(|k| k.kid == kid)
            .expect("a key of the fake");
        sign(claims, key.alg, Some(&key.kid), &key.encoding)
    }

    /// Signs `claims` with the RSA test key (`kid` `rs256-1`).
    pub fn mint_rs256(&self, claims: &serde_json::Value) -> String {
        self.mint_with_kid("rs256-1", claims)
    }

    /// Signs `claims` the legacy way: HS256 with the JWT secret, no `kid`.
    pub fn mint_hs256(&self, claims: &serde_json::Value) -> String {
        let key = EncodingKey::from_secret(self.jwt_secret.as_bytes()).expect("HMAC key");
        sign(claims, Algorithm::HS256, None, &key)
    }

    /// A new ES256 key, in the JWKS only if `published`; returns its `kid`.
    pub fn add_key(&self, published: bool) -> String {
        let mut state = self.lock();
        let kid = format!("es256-{}", state.next_kid);
        state.next_kid += 1;
        state.keys.push(new_es256(kid.clone(), published));
        kid
    }

    /// Publishes key `kid` in the JWKS.
    pub fn publish(&self, kid: &str) {
        self.set_published(kid, true);
    }

    /// Removes key `kid` from the JWKS (a revoked key).
    pub fn revoke(&self, kid: &str) {
        self.set_published(kid, false);
    }

    /// Rotates: a new published ES256 key becomes the current one (the old
    /// one stays published until revoked); returns the new `kid`.
    pub fn rotate(&self) -> String {
        let kid = self.add_key(true);
        self.lock().current = kid.clone();
        kid
    }

    /// The `max-age` the JWKS is served with.
    pub fn set_jwks_max_age(&self, seconds: u64) {
        self.lock().jwks_max_age = seconds;
    }

    /// Signs `user` in: an ES256 access token, which `/auth/v1/user` also
    /// answers with the user's JSON.
    pub fn sign_in(&self, user: &FakeUser) -> String {
        let token = self.mint(&self.claims(user));
        self.add_user(&token, self.user_json(user));
        token
    }

    /// The `/auth/v1/user` answer for `user`.
    pub fn user_json(&self, user: &FakeUser) -> serde_json::Value {
        let claims = self.claims(user);
        let identities = match user.discord_id {
            Some(id) => json!([{
                "identity_id": "0b1e3c52-0000-4000-8000-000000000001",
                "id": id.to_string(),
                "user_id": user.id,
                "identity_data": {"sub": id.to_string(), "provider_id": id.to_string(),
                                  "email": user.email, "email_verified": true},
                "provider": "discord",
                "created_at": "2026-01-01T00:00:00Z"
            }]),
            None => json!([]),
        };
        json!({
            "id": user.id,
            "aud": "authenticated",
            "role": "authenticated",
            "email": user.email,
            "email_confirmed_at": "2026-01-01T00:00:00Z",
            "phone": "",
            "app_metadata": claims["app_metadata"],
            "user_metadata": claims["user_metadata"],
            "identities": identities,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "is_anonymous": false
        })
    }

    /// Answers `token` with 200 and this user JSON.
    pub fn add_user(&self, token: &str, user: serde_json::Value) {
        self.answer(token, 200, &user.to_string());
    }

    /// Answers `token` with any status and body (Supabase's 403s:
    /// `session_not_found`, `user_banned`, ...).
    pub fn answer(&self, token: &str, status: u16, body: &str) {
        self.lock()
            .users
            .insert(token.to_owned(), (status, body.to_owned()));
    }

    /// Switches the mode.
    pub fn set_mode(&self, mode: SupabaseMode) {
        self.lock().mode = mode;
    }

    /// How many requests reached `/auth/v1/user`.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// How many requests reached the JWKS.
    pub fn jwks_requests(&self) -> usize {
        self.jwks_requests.load(Ordering::SeqCst)
    }

    fn set_published(&self, kid: &str, published: bool) {
        let mut state = self.lock();
        if let Some(key) = state.keys.iter_mut().find(|k| k.kid == kid) {
            key.published = published;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn jwks(&self) -> (String, u64) {
        let state = self.lock();
        let keys: Vec<_> = state
            .keys
            .iter()
            .filter(|k| k.published)
            .map(|k| k.jwk.clone())
            .collect();
        (json!({ "keys": keys }).to_string(), state.jwks_max_age)
    }

    fn user_answer(&self, headers: &HashMap<String, String>, anon_key: &str) -> (u16, String) {
        if headers.get("apikey").map(String::as_str) != Some(anon_key) {
            return (401, NO_APIKEY.to_owned());
        }
        match headers
            .get("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            None => (401, NO_AUTHORIZATION.to_owned()),
            Some(token) => self
                .lock()
                .users
                .get(token)
                .cloned()
                .unwrap_or((403, BAD_JWT.to_owned())),
        }
    }

    async fn serve(&self, mut stream: TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if buf.len() > 64 * 1024 {
                return;
            }
        }
        let head = String::from_utf8_lossy(&buf).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let headers: HashMap<String, String> = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let (mode, anon_key) = {
            let state = self.lock();
            (state.mode, state.anon_key.clone())
        };
        let route = match request_line {
            "GET /auth/v1/user HTTP/1.1" => {
                self.requests.fetch_add(1, Ordering::SeqCst);
                Some(Route::User)
            }
            "GET /auth/v1/.well-known/jwks.json HTTP/1.1" => {
                self.jwks_requests.fetch_add(1, Ordering::SeqCst);
                Some(Route::Jwks)
            }
            "GET /auth/v1/settings HTTP/1.1" => Some(Route::Settings),
            _ => None,
        };
        let mut extra = String::new();
        let (status, body) = match (route, mode) {
            (None, _) => (
                404,
                r#"{"code":404,"error_code":"not_found","msg":"Not found"}"#.to_owned(),
            ),
            (Some(_), SupabaseMode::Hang) => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            (Some(_), SupabaseMode::Fail) => (500, INTERNAL.to_owned()),
            (Some(jwks), SupabaseMode::Normal | SupabaseMode::Slow) => {
                if mode == SupabaseMode::Slow {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                match jwks {
                    Route::Jwks => {
                        let (body, max_age) = self.jwks();
                        extra = format!("cache-control: public, max-age={max_age}\r\n");
                        (200, body)
                    }
                    Route::User => self.user_answer(&headers, &anon_key),
                    Route::Settings => {
                        if headers.get("apikey").map(String::as_str) == Some(anon_key.as_str()) {
                            (200, SETTINGS.to_owned())
                        } else {
                            (401, NO_APIKEY.to_owned())
                        }
                    }
                }
            }
        };
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Internal Server Error",
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }
}

/// A project API key as Supabase issues it: an HS256 JWT with `iss`
/// `supabase`, a `ref`, the `role`, and no `sub`.
fn project_key(secret: &str, role: &str) -> String {
    let now = unix_now();
    let claims = json!({
        "iss": "supabase",
        "ref": "fakeprojectref0000000",
        "role": role,
        "iat": now,
        "exp": now + 10 * 365 * 86_400
    });
    sign(
        &claims,
        Algorithm::HS256,
        None,
        &EncodingKey::from_secret(secret.as_bytes()).expect("HMAC key"),
    )
}
