//! Remote JWT verification: ask Supabase Auth who the token belongs to.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ring::digest::{SHA256, digest};
use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::{AuthMethod, Identity, SecretString};

/// Tokens longer than this are refused before any work (Supabase access
/// tokens are about 1 KB).
pub const MAX_TOKEN_LEN: usize = 8192;

/// How long a refused token is remembered.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(5);

/// The most verified tokens kept.
pub const CACHE_CAPACITY: usize = 10_000;

/// Why a token did not yield an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The credentials are wrong: answer 401.
    Unauthorized(&'static str),
    /// Supabase could not say (timeout, 5xx, network): answer 503, and do
    /// not treat the token as bad.
    Unavailable(&'static str),
}

impl AuthError {
    /// A short label for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unauthorized(r) | Self::Unavailable(r) => r,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthorized(r) => write!(f, "unauthorized: {r}"),
            Self::Unavailable(r) => write!(f, "authentication unavailable: {r}"),
        }
    }
}

impl std::error::Error for AuthError {}

/// The fields of Supabase's `GET /auth/v1/user` answer that identity needs.
#[derive(Deserialize)]
struct SupabaseUser {
    id: String,
    role: Option<String>,
    email: Option<String>,
    #[serde(default)]
    app_metadata: AppMetadata,
    #[serde(default)]
    user_metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    identities: Vec<SupabaseIdentity>,
}

/// `app_metadata`, as both the user answer and the token carry it.
#[derive(Deserialize, Default)]
pub(crate) struct AppMetadata {
    provider: Option<String>,
}

impl AppMetadata {
    /// The Discord id in `user_metadata` (`provider_id`, else `sub`) when
    /// Discord is the login provider.
    pub(crate) fn discord_id(
        &self,
        user_metadata: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<u64> {
        (self.provider.as_deref() == Some("discord"))
            .then(|| {
                as_id(user_metadata.get("provider_id")).or_else(|| as_id(user_metadata.get("sub")))
            })
            .flatten()
    }
}

/// A Supabase user's identity from verified facts.
pub(crate) fn user_identity(
    subject: String,
    role: Option<String>,
    email: Option<String>,
    discord_id: Option<u64>,
) -> Identity {
    let mut identity = Identity::unauthenticated();
    identity.method = AuthMethod::SupabaseJwt;
    identity.subject = Some(subject);
    identity.role = role;
    identity.email = email;
    identity.discord_id = discord_id;
    identity
}

#[derive(Deserialize)]
struct SupabaseIdentity {
    provider: String,
    #[serde(default)]
    identity_data: serde_json::Map<String, serde_json::Value>,
}

fn as_id(value: Option<&serde_json::Value>) -> Option<u64> {
    match value? {
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

impl SupabaseUser {
    /// The Discord user id of a Discord login: the Discord identity's
    /// `provider_id` (or `sub`), else the user metadata's when Discord is
    /// the login provider.
    fn discord_id(&self) -> Option<u64> {
        self.identities
            .iter()
            .filter(|i| i.provider == "discord")
            .find_map(|i| {
                as_id(i.identity_data.get("provider_id"))
                    .or_else(|| as_id(i.identity_data.get("sub")))
            })
            .or_else(|| self.app_metadata.discord_id(&self.user_metadata))
    }

    fn into_identity(self) -> Identity {
        let discord_id = self.discord_id();
        user_identity(self.id, self.role, self.email, discord_id)
    }
}

type Outcome = Result<Identity, AuthError>;

struct Cached {
    outcome: Outcome,
    until: Instant,
}

/// Verifies tokens with `GET {SUPABASE_URL}/auth/v1/user`, the way the
/// Python service did, and caches the answers.
///
/// - 200: the identity from the answer (`id`, `role`, `email`, and the
///   Discord id of Discord logins);
/// - 401 and 403: unauthorized (Supabase's `no_authorization`, `bad_jwt`,
///   `session_not_found`, `user_banned`, ...), remembered for
///   [`NEGATIVE_TTL`];
/// - timeouts, network errors, 5xx and anything unexpected: unavailable,
///   never cached, never treated as a bad token.
///
/// Answers are cached by the SHA-256 of the token (the token itself is not
/// kept) for `min(exp − now, ttl)`, `exp` read from the token's payload
/// only to shorten that. Concurrent checks of one token make one request.
pub struct RemoteVerifier {
    client: reqwest::Client,
    user_url: String,
    anon_key: Option<SecretString>,
    ttl: Duration,
    cache: Mutex<HashMap<[u8; 32], Cached>>,
    in_flight: Mutex<HashMap<[u8; 32], Arc<OnceCell<Outcome>>>>,
}

impl fmt::Debug for RemoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteVerifier")
            .field("user_url", &self.user_url)
            .field("anon_key", &self.anon_key)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl RemoteVerifier {
    /// A verifier for the project at `supabase_url`, sending `anon_key` as
    /// the `apikey` header, with `timeout` for connecting and for the whole
    /// request, caching answers for at most `ttl`.
    pub fn new(
        supabase_url: &str,
        anon_key: Option<SecretString>,
        timeout: Duration,
        ttl: Duration,
    ) -> Result<Self, AuthError> {
        Ok(Self {
            client: supabase_client(timeout)?,
            user_url: format!("{}/auth/v1/user", supabase_url.trim_end_matches('/')),
            anon_key,
            ttl,
            cache: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
        })
    }

    /// The identity `token` belongs to.
    pub async fn verify(&self, token: &str) -> Outcome {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN || !token.is_ascii() {
            return Err(AuthError::Unauthorized("malformed token"));
        }
        let key = token_key(token);
        if let Some(outcome) = self.cached(&key) {
            return outcome;
        }
        // One request per token at a time: later callers wait for it.
        let cell = {
            let mut flights = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            Arc::clone(flights.entry(key).or_default())
        };
        let outcome = cell.get_or_init(|| self.fetch(token, key)).await.clone();
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key);
        outcome
    }

    fn cached(&self, key: &[u8; 32]) -> Option<Outcome> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(key)
            .filter(|c| c.until > Instant::now())
            .map(|c| c.outcome.clone())
    }

    async fn fetch(&self, token: &str, key: [u8; 32]) -> Outcome {
        let mut request = self.client.get(&self.user_url).bearer_auth(token);
        if let Some(anon) = &self.anon_key {
            request = request.header("apikey", anon.expose());
        }
        let outcome = match request.send().await {
            Err(e) if e.is_timeout() => Err(AuthError::Unavailable("supabase timeout")),
            Err(_) => Err(AuthError::Unavailable("supabase unreachable")),
            Ok(response) => match response.status().as_u16() {
                200 => match response.json::<SupabaseUser>().await {
                    Ok(user) => Ok(user.into_identity()),
                    Err(_) => Err(AuthError::Unavailable("unexpected supabase answer")),
                },
                401 | 403 => Err(AuthError::Unauthorized("rejected by supabase")),
                _ => Err(AuthError::Unavailable("supabase error status")),
            },
        };
        let ttl = match &outcome {
            Ok(_) => token_lifetime(token).map_or(self.ttl, |left| left.min(self.ttl)),
            Err(AuthError::Unauthorized(_)) => {
                NEGATIVE_TTL.min(self.ttl.max(Duration::from_secs(1)))
            }
            Err(_) => Duration::ZERO,
        };
        if !ttl.is_zero() {
            let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if cache.len() >= CACHE_CAPACITY {
                let now = Instant::now();
                cache.retain(|_, c| c.until > now);
                if cache.len() >= CACHE_CAPACITY {
                    // Still full of live entries: start over rather than grow.
                    cache.clear();
                }
            }
            cache.insert(
                key,
                Cached {
                    outcome: outcome.clone(),
                    until: Instant::now() + ttl,
                },
            );
        }
        outcome
    }
}

/// The HTTP client for Supabase calls: `timeout` to connect and for the
/// whole exchange, no redirects followed.
pub(crate) fn supabase_client(timeout: Duration) -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|_| AuthError::Unavailable("http client"))
}

fn token_key(token: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    key.copy_from_slice(digest(&SHA256, token.as_bytes()).as_ref());
    key
}

/// Time left before the token's `exp`, read without verifying it (only to
/// shorten a cache lifetime; Supabase has verified the token).
fn token_lifetime(token: &str) -> Option<Duration> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(exp.saturating_sub(now)))
}
