//! Remote JWT verification: ask Supabase Auth who the token belongs to.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ring::digest::{SHA256, digest};
use tokio::sync::OnceCell;

use crate::claims::{DiscordIdentity, LogOnce, UserAnswer, is_plain_text, user_identity};
use crate::client::supabase_client;
use crate::unique_json::Unique;
use crate::{AuthError, Identity, MAX_TOKEN_LEN, SecretString};

/// How long a refused token is remembered.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(5);

/// The most verified tokens kept; when full, the least recently used
/// answers make room (quick_cache's CLOCK-Pro policy), not every answer
/// at once.
pub const CACHE_CAPACITY: usize = 10_000;

type Outcome = Result<Identity, AuthError>;

#[derive(Clone)]
struct Cached {
    outcome: Outcome,
    until: Instant,
}

type Flights = Mutex<HashMap<[u8; 32], Arc<OnceCell<Outcome>>>>;

/// One request's share in the single flight for its token. Dropping it —
/// the request finished, or its future was cancelled mid-flight — removes
/// the map entry once no other request shares it, so cancelled requests
/// leave nothing behind.
struct Flight<'v> {
    map: &'v Flights,
    key: [u8; 32],
    cell: Option<Arc<OnceCell<Outcome>>>,
}

impl<'v> Flight<'v> {
    fn join(map: &'v Flights, key: [u8; 32]) -> Self {
        let mut flights = map.lock().unwrap_or_else(PoisonError::into_inner);
        let cell = Arc::clone(flights.entry(key).or_default());
        Self {
            map,
            key,
            cell: Some(cell),
        }
    }

    fn cell(&self) -> &OnceCell<Outcome> {
        // Only `drop` takes it.
        self.cell.as_deref().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let Some(cell) = self.cell.take() else {
            return;
        };
        // Every clone and drop of a flight's `Arc` happens under this
        // lock, so the count is exact: 2 means the map's and ours.
        let mut flights = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let last = flights
            .get(&self.key)
            .is_some_and(|c| Arc::ptr_eq(c, &cell) && Arc::strong_count(&cell) == 2);
        if last {
            flights.remove(&self.key);
        }
        drop(cell);
        drop(flights);
    }
}

#[derive(Default)]
struct Warnings {
    discord_login_without_identity: LogOnce,
    unclear_discord_identity: LogOnce,
}

/// Verifies tokens with `GET {SUPABASE_URL}/auth/v1/user`, the way the
/// Python service did, and caches the answers.
///
/// - 200: the identity from the answer: `id`, `role`, `email`, and the
///   Discord id from the user's Discord entry in `identities` (written by
///   Supabase Auth when the Discord login or link completed). Nothing is
///   read from `user_metadata`, which the user can write; a Discord login
///   without a Discord identity has no Discord id (logged once).
/// - 401 and 403: unauthorized (Supabase's `no_authorization`, `bad_jwt`,
///   `session_not_found`, `user_banned`, ...), remembered for
///   [`NEGATIVE_TTL`];
/// - timeouts, network errors, 5xx and anything unexpected: unavailable,
///   never cached, never treated as a bad token.
///
/// Answers are cached by the SHA-256 of the token (the token itself is not
/// kept) for `min(exp − now, ttl)`, `exp` read from the token's payload
/// only to shorten that; at most [`CACHE_CAPACITY`] of them, the least
/// recently used making room. Concurrent checks of one token make one
/// request, and a check cancelled while it waits leaves nothing behind.
pub struct RemoteVerifier {
    client: reqwest::Client,
    user_url: String,
    anon_key: Option<SecretString>,
    ttl: Duration,
    cache: quick_cache::sync::Cache<[u8; 32], Cached>,
    in_flight: Flights,
    warnings: Warnings,
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
            cache: quick_cache::sync::Cache::new(CACHE_CAPACITY),
            in_flight: Mutex::new(HashMap::new()),
            warnings: Warnings::default(),
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
        // One request per token at a time: later callers wait for it. If
        // the request that runs it is cancelled, a waiting one takes over.
        let flight = Flight::join(&self.in_flight, key);
        flight
            .cell()
            .get_or_init(|| self.fetch(token, key))
            .await
            .clone()
    }

    fn cached(&self, key: &[u8; 32]) -> Option<Outcome> {
        self.cache
            .get(key)
            .filter(|c| c.until > Instant::now())
            .map(|c| c.outcome)
    }

    /// How many tokens have a request in flight (tests).
    #[cfg(test)]
    fn in_flight_len(&self) -> usize {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn identity(&self, user: UserAnswer) -> Identity {
        let discord_id = match user.discord_identity() {
            DiscordIdentity::One(id) => Some(id),
            DiscordIdentity::Unclear => {
                if self.warnings.unclear_discord_identity.first() {
                    tracing::warn!(
                        user = %user.id,
                        "a user's Discord identities name no single readable Discord id: \
                         no Discord id, owner checks refuse them (logged once)"
                    );
                }
                None
            }
            DiscordIdentity::None => {
                if user.app_metadata.provider.as_deref() == Some("discord")
                    && self.warnings.discord_login_without_identity.first()
                {
                    tracing::warn!(
                        user = %user.id,
                        "a Discord login without a Discord identity in `identities`: \
                         no Discord id (user_metadata is never trusted), owner checks \
                         refuse them (logged once)"
                    );
                }
                None
            }
        };
        user_identity(user.id, user.role, user.email, discord_id)
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
                // Read with no key twice in any object (the last of two
                // could name another Discord id than the first).
                200 => match response.bytes().await.ok().and_then(|body| {
                    let Unique(answer) = serde_json::from_slice(&body).ok()?;
                    serde_json::from_value::<UserAnswer>(answer).ok()
                }) {
                    // A field that could not be passed on as it is: the
                    // answer is not Supabase's (its ids are UUIDs).
                    Some(user)
                        if ![Some(&user.id), user.role.as_ref(), user.email.as_ref()]
                            .into_iter()
                            .flatten()
                            .all(|text| is_plain_text(text)) =>
                    {
                        Err(AuthError::Unavailable("unexpected supabase answer"))
                    }
                    Some(user) => Ok(self.identity(user)),
                    None => Err(AuthError::Unavailable("unexpected supabase answer")),
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
            self.cache.insert(
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

#[cfg(test)]
mod tests {
    // Test helpers may unwrap: a panic is a failing test.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use alphaguard_test_support::{FakeSupabase, FakeUser, SupabaseMode};

    fn verifier(fake: &FakeSupabase, timeout: Duration) -> RemoteVerifier {
        RemoteVerifier::new(
            &fake.url(),
            Some(SecretString::new(fake.anon_key())),
            timeout,
            Duration::from_secs(30),
        )
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_check_leaves_no_flight_behind() {
        let fake = FakeSupabase::start().await;
        fake.set_mode(SupabaseMode::Hang);
        let v = Arc::new(verifier(&fake, Duration::from_secs(30)));

        // One request, cancelled by its caller's deadline while Supabase
        // stalls.
        let cancelled = tokio::time::timeout(Duration::from_millis(150), v.verify("stalled")).await;
        assert!(
            cancelled.is_err(),
            "Supabase hangs: the check cannot finish"
        );
        assert_eq!(fake.requests(), 1);
        assert_eq!(v.in_flight_len(), 0);

        // Five requests share one flight; it stays until the last of them
        // is cancelled.
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let v = Arc::clone(&v);
                tokio::spawn(async move { v.verify("stalled-too").await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(fake.requests(), 2, "one request for five checks");
        assert_eq!(v.in_flight_len(), 1);
        let last = tasks.len() - 1;
        for (n, task) in tasks.into_iter().enumerate() {
            task.abort();
            assert!(task.await.unwrap_err().is_cancelled());
            let expected = usize::from(n < last);
            assert_eq!(v.in_flight_len(), expected, "after cancelling {}", n + 1);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_waiter_takes_over_when_the_first_check_is_cancelled() {
        let fake = FakeSupabase::start().await;
        fake.set_mode(SupabaseMode::Slow);
        let token = fake.sign_in(&FakeUser::email(
            "7f0c0c52-6a4b-4a9b-9d0b-2b6b1f0f6a11",
            "alice@example.com",
        ));
        let v = Arc::new(verifier(&fake, Duration::from_secs(3)));
        let first = {
            let (v, token) = (Arc::clone(&v), token.clone());
            tokio::spawn(async move { v.verify(&token).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = {
            let (v, token) = (Arc::clone(&v), token.clone());
            tokio::spawn(async move { v.verify(&token).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        first.abort();
        let who = second.await.unwrap().unwrap();
        assert_eq!(who.email.as_deref(), Some("alice@example.com"));
        assert_eq!(v.in_flight_len(), 0);
        // Now cached.
        let before = fake.requests();
        v.verify(&token).await.unwrap();
        assert_eq!(fake.requests(), before);
    }

    #[tokio::test]
    async fn a_full_cache_keeps_the_users_it_keeps_seeing() {
        let fake = FakeSupabase::start().await;
        let mut v = verifier(&fake, Duration::from_secs(3));
        let capacity = 64;
        v.cache = quick_cache::sync::Cache::new(capacity);
        let user = |n: usize| {
            let token = format!("token-{n}");
            let who = FakeUser::email(&format!("user-{n}"), &format!("u{n}@example.com"));
            fake.add_user(&token, fake.user_json(&who));
            token
        };
        let regulars: Vec<String> = (0..8).map(user).collect();
        for token in &regulars {
            v.verify(token).await.unwrap();
        }
        // A flood of new tokens, four times the capacity, while the
        // regular users keep making requests.
        for batch in 0..32 {
            for n in 0..8 {
                let token = user(1000 + batch * 8 + n);
                v.verify(&token).await.unwrap();
            }
            for token in &regulars {
                v.verify(token).await.unwrap();
            }
        }
        assert!(v.cache.len() <= capacity, "{}", v.cache.len());
        // The regulars were never dropped: no request for them since the
        // first (the old cache emptied itself when full).
        let before = fake.requests();
        for token in &regulars {
            v.verify(token).await.unwrap();
        }
        assert_eq!(fake.requests(), before);
        assert_eq!(before, regulars.len() + 32 * 8);
    }
}
