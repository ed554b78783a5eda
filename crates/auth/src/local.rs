//! Local JWT verification: check the signature and claims here, with the
//! project's published keys (JWKS) or its legacy HS256 secret.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::claims::{LogOnce, as_discord_id, is_plain_text, user_identity};
use crate::client::supabase_client;
use crate::unique_json::Unique;
use crate::{AuthError, ClaimPath, Identity, MAX_TOKEN_LEN, SecretString};

/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY: Duration = Duration::from_secs(30);

/// The least time between two JWKS fetches caused by an unknown `kid`.
pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(30);

/// How long a JWKS is used when its answer carries no usable `max-age`.
pub const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(600);

/// The bounds put on a JWKS `max-age`.
pub const JWKS_TTL_RANGE: (Duration, Duration) =
    (Duration::from_secs(30), Duration::from_secs(86_400));

/// The largest JWKS document read.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;

/// One published key, pinned to the one algorithm its type allows.
struct PinnedKey {
    key: DecodingKey,
    validation: Validation,
}

/// The keys of one JWKS answer.
struct KeySet {
    keys: HashMap<String, PinnedKey>,
    fresh_until: Instant,
    loaded: bool,
}

struct RefreshState {
    last_attempt: Option<Instant>,
}

/// The claims of a verified access token, all of them: identity reads
/// `sub`, `role`, `email` and the one claim [`ClaimPath`] names.
type Claims = serde_json::Map<String, Value>;

/// A token's claims with no key twice in any object: `serde_json` keeps
/// the last of two, another reader may keep the first, so a payload
/// with `"app_metadata"` twice (an outside review's finding) could mean
/// one identity here and another upstream. Refused instead, as remote
/// mode refuses such a Supabase answer.
struct UniqueClaims(Claims);

impl<'de> serde::Deserialize<'de> for UniqueClaims {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Unique::deserialize(d)?.0 {
            Value::Object(claims) => Ok(Self(claims)),
            _ => Err(serde::de::Error::custom("claims are not an object")),
        }
    }
}

#[derive(Default)]
struct Warnings {
    no_discord_claim: LogOnce,
    claim_missing: LogOnce,
    claim_malformed: LogOnce,
}

/// Verifies Supabase access tokens without a network round trip per
/// request, as supabase-js `getClaims` does.
///
/// - Tokens with a `kid` are checked with that key from
///   `{SUPABASE_URL}/auth/v1/.well-known/jwks.json` (ES256 or RS256). The
///   algorithm is the key's own: a header that names another algorithm is
///   refused, so an RSA public key can never be used as an HMAC secret.
/// - HS256 tokens whose `kid` the JWKS does not list (legacy tokens) are
///   checked with `SUPABASE_JWT_SECRET` when it is set; the JWKS never
///   supplies symmetric keys (`oct` entries are ignored).
/// - Claims: `exp` and `sub` required, `nbf` honoured, [`LEEWAY`] for clock
///   skew, `aud` must contain `authenticated`, `iss` must be
///   `{SUPABASE_URL}/auth/v1`. A token whose role is `anon` or
///   `service_role` (the project API keys) is never a user.
/// - The Discord id comes only from the claim set with
///   [`with_discord_id_claim`](Self::with_discord_id_claim)
///   (`SUPABASE_DISCORD_ID_CLAIM`): one the project's server controls,
///   such as `app_metadata.discord_id` or a claim added by a custom access
///   token hook. Without one, no identity has a Discord id (logged once);
///   `user_metadata`, which the user writes, is never read.
/// - The JWKS is cached for its `Cache-Control: max-age` (bounded by
///   [`JWKS_TTL_RANGE`]). When it expires the first request to notice
///   refreshes it while the others keep using the old keys; an unknown
///   `kid` causes at most one fetch per cooldown, and concurrent requests
///   wait for that one fetch. No lock on the keys is held across a fetch.
/// - A failed refresh keeps the keys already known; with none known, a
///   token with a `kid` is *unavailable* (503), not unauthorized.
///
/// Local verification cannot see logouts or bans before `exp`: see the
/// crate's security notes.
pub struct LocalVerifier {
    client: reqwest::Client,
    jwks_url: String,
    issuer: String,
    anon_key: Option<SecretString>,
    legacy: Option<PinnedKey>,
    keys: RwLock<Arc<KeySet>>,
    refresh: tokio::sync::Mutex<RefreshState>,
    cooldown: Duration,
    min_ttl: Duration,
    discord_claim: Option<ClaimPath>,
    warnings: Warnings,
}

impl fmt::Debug for LocalVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalVerifier")
            .field("jwks_url", &self.jwks_url)
            .field("issuer", &self.issuer)
            .field("legacy_hs256", &self.legacy.is_some())
            .field("cooldown", &self.cooldown)
            .field("discord_claim", &self.discord_claim)
            .finish_non_exhaustive()
    }
}

fn validation(alg: Algorithm, issuer: &str) -> Validation {
    let mut v = Validation::new(alg);
    v.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
    v.set_audience(&["authenticated"]);
    v.set_issuer(&[issuer]);
    v.leeway = LEEWAY.as_secs();
    v.validate_nbf = true;
    v.validate_exp = true;
    v
}

/// The algorithm a published key may be used with, or `None` for keys we
/// never use (symmetric, encryption, other curves, mismatched `alg`).
fn pinned_algorithm(jwk: &Jwk) -> Option<Algorithm> {
    if matches!(jwk.common.public_key_use, Some(ref u) if *u != PublicKeyUse::Signature) {
        return None;
    }
    let alg = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        _ => return None,
    };
    match jwk.common.key_algorithm {
        None => Some(alg),
        Some(KeyAlgorithm::ES256) if alg == Algorithm::ES256 => Some(alg),
        Some(KeyAlgorithm::RS256) if alg == Algorithm::RS256 => Some(alg),
        Some(_) => None,
    }
}

/// `max-age` from a `Cache-Control` value, bounded; `no-store` and
/// `no-cache` mean the lower bound.
fn cache_lifetime(cache_control: Option<&str>, min: Duration) -> Duration {
    let Some(value) = cache_control else {
        return DEFAULT_JWKS_TTL;
    };
    let mut ttl = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return min;
        }
        if let Some(seconds) = lower.strip_prefix("max-age=") {
            ttl = seconds.trim_matches('"').parse::<u64>().ok();
        }
    }
    ttl.map_or(DEFAULT_JWKS_TTL, Duration::from_secs)
        .clamp(min, JWKS_TTL_RANGE.1)
}

fn claim_error(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "token expired",
        ErrorKind::ImmatureSignature => "token not yet valid",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm => "algorithm not allowed for this key",
        ErrorKind::MissingRequiredClaim(_) => "missing required claim",
        _ => "malformed token",
    }
}

impl LocalVerifier {
    /// A verifier for the project at `supabase_url`; `jwt_secret` enables
    /// legacy HS256 tokens; `timeout` bounds each JWKS fetch.
    pub fn new(
        supabase_url: &str,
        anon_key: Option<SecretString>,
        jwt_secret: Option<&SecretString>,
        timeout: Duration,
    ) -> Result<Self, AuthError> {
        // jsonwebtoken panics at first use if feature unification left it
        // with both crypto backends or none: find out here instead.
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            return Err(AuthError::Unavailable(
                "jsonwebtoken has no crypto provider",
            ));
        }
        let base = supabase_url.trim_end_matches('/');
        let issuer = format!("{base}/auth/v1");
        let legacy = match jwt_secret {
            Some(secret) => Some(PinnedKey {
                key: DecodingKey::from_secret(secret.expose().as_bytes())
                    .map_err(|_| AuthError::Unavailable("jwt secret"))?,
                validation: validation(Algorithm::HS256, &issuer),
            }),
            None => None,
        };
        Ok(Self {
            client: supabase_client(timeout)?,
            jwks_url: format!("{issuer}/.well-known/jwks.json"),
            issuer,
            anon_key,
            legacy,
            keys: RwLock::new(Arc::new(KeySet {
                keys: HashMap::new(),
                fresh_until: Instant::now(),
                loaded: false,
            })),
            refresh: tokio::sync::Mutex::new(RefreshState { last_attempt: None }),
            cooldown: DEFAULT_REFETCH_COOLDOWN,
            min_ttl: JWKS_TTL_RANGE.0,
            discord_claim: None,
            warnings: Warnings::default(),
        })
    }

    /// Reads the Discord id from `claim` (`SUPABASE_DISCORD_ID_CLAIM`):
    /// a claim the project's server controls. Without it no identity has a
    /// Discord id.
    #[must_use]
    pub fn with_discord_id_claim(mut self, claim: ClaimPath) -> Self {
        self.discord_claim = Some(claim);
        self
    }

    /// Sets the least time between two fetches caused by unknown `kid`s
    /// (default [`DEFAULT_REFETCH_COOLDOWN`]).
    #[must_use]
    pub fn with_refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// Sets the least time a JWKS is used before it is refetched, whatever
    /// its `max-age` says (default the lower end of [`JWKS_TTL_RANGE`]).
    #[must_use]
    pub fn with_min_jwks_ttl(mut self, min: Duration) -> Self {
        self.min_ttl = min.min(JWKS_TTL_RANGE.1);
        self
    }

    /// Fetches the JWKS now (at start-up, so the first requests do not
    /// wait); the same as the refresh a request would make.
    pub async fn preload(&self) -> Result<usize, AuthError> {
        let mut state = self.refresh.lock().await;
        self.fetch(&mut state).await
    }

    /// Installs the keys of a JWKS `document` (the JSON of
    /// `/auth/v1/.well-known/jwks.json`) as a fetch would, for
    /// [`DEFAULT_JWKS_TTL`]; for keys obtained another way (a file, a
    /// pinned copy). Returns how many keys are usable; a document that is
    /// not a JWKS, or larger than [`MAX_JWKS_BYTES`], changes nothing.
    pub async fn load_jwks(&self, document: &[u8]) -> Result<usize, AuthError> {
        if document.len() > MAX_JWKS_BYTES {
            return Err(AuthError::Unavailable("jwks too large"));
        }
        let set: JwkSet = serde_json::from_slice(document)
            .map_err(|_| AuthError::Unavailable("unexpected jwks answer"))?;
        let mut state = self.refresh.lock().await;
        state.last_attempt = Some(Instant::now());
        Ok(self.install(&set, DEFAULT_JWKS_TTL))
    }

    /// The identity `token` belongs to.
    pub async fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN || !token.is_ascii() {
            return Err(AuthError::Unauthorized("malformed token"));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| AuthError::Unauthorized("malformed token"))?;
        let Some(kid) = header.kid else {
            return self.verify_legacy(token, header.alg);
        };
        let snapshot = self.snapshot();
        if snapshot.fresh_until <= Instant::now() {
            self.refresh_in_passing().await;
        }
        if let Some(pinned) = self.snapshot().keys.get(&kid) {
            return self.check(token, pinned);
        }
        if header.alg == Algorithm::HS256 && self.legacy.is_some() {
            // A legacy token carrying a `kid` the JWKS does not list.
            return self.verify_legacy(token, header.alg);
        }
        let keys = self.refresh_for_unknown(&kid).await;
        match keys.keys.get(&kid) {
            Some(pinned) => self.check(token, pinned),
            None if !keys.loaded => Err(AuthError::Unavailable("signing keys unavailable")),
            None => Err(AuthError::Unauthorized("unknown signing key")),
        }
    }

    fn verify_legacy(&self, token: &str, alg: Algorithm) -> Result<Identity, AuthError> {
        match &self.legacy {
            Some(pinned) if alg == Algorithm::HS256 => self.check(token, pinned),
            Some(_) => Err(AuthError::Unauthorized(
                "algorithm not allowed for this key",
            )),
            None => Err(AuthError::Unauthorized("no key for this token")),
        }
    }

    fn snapshot(&self) -> Arc<KeySet> {
        Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The keys are past their lifetime: refresh them unless someone else
    /// is already doing so (then go on with the old keys).
    async fn refresh_in_passing(&self) {
        let Ok(mut state) = self.refresh.try_lock() else {
            return;
        };
        let current = self.snapshot();
        if current.fresh_until > Instant::now() || !self.due(&state, current.loaded) {
            return;
        }
        let _ = self.fetch(&mut state).await;
    }

    /// An unknown `kid`: wait for any fetch in progress, then fetch unless
    /// one was made within the cooldown.
    async fn refresh_for_unknown(&self, kid: &str) -> Arc<KeySet> {
        let mut state = self.refresh.lock().await;
        let current = self.snapshot();
        if current.keys.contains_key(kid) {
            return current;
        }
        if !self.due(&state, current.loaded) {
            return current;
        }
        let _ = self.fetch(&mut state).await;
        self.snapshot()
    }

    /// Whether a fetch may be made now: once per cooldown, or once a
    /// second while no key set has ever loaded.
    fn due(&self, state: &RefreshState, loaded: bool) -> bool {
        let wait = if loaded {
            self.cooldown
        } else {
            self.cooldown.min(Duration::from_secs(1))
        };
        state.last_attempt.is_none_or(|at| at.elapsed() >= wait)
    }

    /// One JWKS fetch; on success the key set is replaced, on failure the
    /// old keys stay. Returns how many keys were loaded.
    async fn fetch(&self, state: &mut RefreshState) -> Result<usize, AuthError> {
        state.last_attempt = Some(Instant::now());
        let result = self.download().await;
        match result {
            Ok((set, ttl)) => Ok(self.install(&set, ttl)),
            Err(e) => {
                tracing::warn!(reason = e.reason(), "JWKS fetch failed; keeping known keys");
                Err(e)
            }
        }
    }

    /// Replaces the key set with the usable keys of `set`, fresh for
    /// `ttl`; returns how many there are.
    fn install(&self, set: &JwkSet, ttl: Duration) -> usize {
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), Some(alg)) = (&jwk.common.key_id, pinned_algorithm(jwk)) else {
                tracing::debug!(kid = ?jwk.common.key_id, "JWKS entry skipped");
                continue;
            };
            match DecodingKey::from_jwk(jwk) {
                Ok(key) => {
                    keys.insert(
                        kid.clone(),
                        PinnedKey {
                            key,
                            validation: validation(alg, &self.issuer),
                        },
                    );
                }
                Err(_) => tracing::warn!(kid = %kid, "JWKS entry unusable"),
            }
        }
        let count = keys.len();
        tracing::debug!(keys = count, ttl_secs = ttl.as_secs(), "JWKS loaded");
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(KeySet {
            keys,
            fresh_until: Instant::now() + ttl,
            loaded: true,
        });
        count
    }

    /// Signature and claims of `token` against one pinned key.
    fn check(&self, token: &str, pinned: &PinnedKey) -> Result<Identity, AuthError> {
        let data = jsonwebtoken::decode::<UniqueClaims>(token, &pinned.key, &pinned.validation)
            .map_err(|e| AuthError::Unauthorized(claim_error(e.kind())))?;
        let mut claims = data.claims.0;
        let sub = match claims.remove("sub") {
            Some(Value::String(sub)) if !sub.is_empty() => sub,
            _ => return Err(AuthError::Unauthorized("missing required claim")),
        };
        let role = optional_string(claims.remove("role"))?;
        if matches!(role.as_deref(), Some("anon" | "service_role")) {
            return Err(AuthError::Unauthorized("project key is not a user"));
        }
        let email = optional_string(claims.remove("email"))?;
        if ![Some(&sub), role.as_ref(), email.as_ref()]
            .into_iter()
            .flatten()
            .all(|text| is_plain_text(text))
        {
            return Err(AuthError::Unauthorized("malformed token"));
        }
        let discord_id = self.discord_id(&claims);
        Ok(user_identity(sub, role, email, discord_id))
    }

    /// The Discord id from the configured claim, and only from it.
    fn discord_id(&self, claims: &Claims) -> Option<u64> {
        let Some(path) = &self.discord_claim else {
            if self.warnings.no_discord_claim.first() {
                tracing::warn!(
                    "local JWT mode without SUPABASE_DISCORD_ID_CLAIM: no trusted source of \
                     Discord ids, so no identity has one and owner checks refuse everyone \
                     (user_metadata is never read; logged once)"
                );
            }
            return None;
        };
        match path.lookup(claims) {
            None | Some(Value::Null) => {
                if self.warnings.claim_missing.first() {
                    tracing::info!(
                        claim = %path,
                        "a verified token has no Discord id claim: that user has no \
                         Discord id (is the custom access token hook enabled?) (logged once)"
                    );
                }
                None
            }
            Some(value) => {
                let id = as_discord_id(value);
                if id.is_none() && self.warnings.claim_malformed.first() {
                    tracing::warn!(
                        claim = %path,
                        "a verified token's Discord id claim is not a Discord id: no \
                         Discord id (logged once)"
                    );
                }
                id
            }
        }
    }

    async fn download(&self) -> Result<(JwkSet, Duration), AuthError> {
        let mut request = self.client.get(&self.jwks_url);
        if let Some(anon) = &self.anon_key {
            request = request.header("apikey", anon.expose());
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                AuthError::Unavailable("jwks timeout")
            } else {
                AuthError::Unavailable("jwks unreachable")
            }
        })?;
        if !response.status().is_success() {
            return Err(AuthError::Unavailable("jwks error status"));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_JWKS_BYTES as u64)
        {
            return Err(AuthError::Unavailable("jwks too large"));
        }
        let ttl = cache_lifetime(
            response
                .headers()
                .get(http::header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            self.min_ttl,
        );
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|_| AuthError::Unavailable("jwks unreachable"))?
        {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(AuthError::Unavailable("jwks too large"));
            }
            body.extend_from_slice(&chunk);
        }
        let set: JwkSet = serde_json::from_slice(&body)
            .map_err(|_| AuthError::Unavailable("unexpected jwks answer"))?;
        Ok((set, ttl))
    }
}

/// A string claim, or nothing; any other type is a malformed token.
fn optional_string(value: Option<Value>) -> Result<Option<String>, AuthError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(AuthError::Unauthorized("malformed token")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_lifetimes() {
        assert_eq!(cache_lifetime(None, JWKS_TTL_RANGE.0), DEFAULT_JWKS_TTL);
        assert_eq!(
            cache_lifetime(Some("public, max-age=600"), JWKS_TTL_RANGE.0),
            Duration::from_secs(600)
        );
        assert_eq!(
            cache_lifetime(Some("max-age=1"), JWKS_TTL_RANGE.0),
            JWKS_TTL_RANGE.0
        );
        assert_eq!(
            cache_lifetime(Some("max-age=99999999"), JWKS_TTL_RANGE.0),
            JWKS_TTL_RANGE.1
        );
        assert_eq!(
            cache_lifetime(Some("no-store"), JWKS_TTL_RANGE.0),
            JWKS_TTL_RANGE.0
        );
        assert_eq!(
            cache_lifetime(Some("max-age=abc"), JWKS_TTL_RANGE.0),
            DEFAULT_JWKS_TTL
        );
        assert_eq!(
            cache_lifetime(Some("Public, Max-Age=\"120\""), JWKS_TTL_RANGE.0),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn symmetric_and_foreign_keys_are_never_pinned() {
        let oct: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "oct", "kid": "k", "k": "c2VjcmV0c2VjcmV0c2VjcmV0", "alg": "HS256"
        }))
        .unwrap();
        assert_eq!(pinned_algorithm(&oct), None);
        let rsa_as_es: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "RSA", "kid": "r", "alg": "ES256", "n": "sXch", "e": "AQAB"
        }))
        .unwrap();
        assert_eq!(pinned_algorithm(&rsa_as_es), None);
        let enc: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "RSA", "kid": "r", "use": "enc", "n": "sXch", "e": "AQAB"
        }))
        .unwrap();
        assert_eq!(pinned_algorithm(&enc), None);
        let rsa: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "RSA", "kid": "r", "use": "sig", "n": "sXch", "e": "AQAB"
        }))
        .unwrap();
        assert_eq!(pinned_algorithm(&rsa), Some(Algorithm::RS256));
    }
}
