//! The request-level check: JWT first, then the API key.

use http::HeaderMap;

#[cfg(feature = "local")]
use crate::LocalVerifier;
#[cfg(feature = "remote")]
use crate::RemoteVerifier;
use crate::{API_KEY_HEADER, ApiKeys, AuthError, Config, Identity, JwtMode};

/// How bearer tokens are verified (each variant behind its feature; with
/// neither `remote` nor `local` there is none, and only API keys work).
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per process, built at start; boxing buys nothing"
)]
pub enum JwtVerifier {
    /// By asking Supabase (`GET /auth/v1/user`), cached.
    #[cfg(feature = "remote")]
    Remote(RemoteVerifier),
    /// Here, against the JWKS or the legacy HS256 secret.
    #[cfg(feature = "local")]
    Local(LocalVerifier),
}

impl JwtVerifier {
    /// The identity `token` belongs to.
    pub async fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        #[cfg(not(any(feature = "remote", feature = "local")))]
        let _ = token;
        match *self {
            #[cfg(feature = "remote")]
            Self::Remote(ref v) => v.verify(token).await,
            #[cfg(feature = "local")]
            Self::Local(ref v) => v.verify(token).await,
        }
    }
}

/// Authenticates requests the way the Python service did, without its
/// gaps:
///
/// 1. a Supabase JWT in `Authorization: Bearer`, when Supabase is
///    configured;
/// 2. only if that is absent or fails, and API keys are configured, the
///    `X-Api-Key` header;
/// 3. with neither mechanism configured, everyone is
///    [`Identity::unauthenticated`] (development mode; the service warns
///    loudly at start).
///
/// Identity comes from verified credentials only: no forwarded identity
/// header is ever read (strip them with
/// [`strip_identity_headers`](crate::strip_identity_headers) before
/// forwarding). A request with several `Authorization` or `X-Api-Key`
/// headers is refused rather than guessed at.
///
/// Failures say whether the caller is wrong ([`AuthError::Unauthorized`],
/// 401) or the check could not be made ([`AuthError::Unavailable`], 503:
/// Supabase down and no API key succeeded).
#[derive(Debug)]
pub struct Authenticator {
    jwt: Option<JwtVerifier>,
    api_keys: Option<ApiKeys>,
}

impl Authenticator {
    /// From explicit parts; with neither, the authenticator is open.
    pub fn new(jwt: Option<JwtVerifier>, api_keys: Option<ApiKeys>) -> Self {
        Self { jwt, api_keys }
    }

    /// From the configuration: remote or local JWT verification when
    /// `SUPABASE_URL` is set, API keys when `API_KEY` is. In local mode the
    /// Discord id comes from `SUPABASE_DISCORD_ID_CLAIM` only. A mode whose
    /// feature is not compiled in is an error, not a silent downgrade.
    pub fn from_config(config: &Config) -> Result<Self, AuthError> {
        let jwt = match &config.supabase_url {
            None => None,
            Some(url) => Some(jwt_verifier(config, url)?),
        };
        Ok(Self::new(jwt, config.api_keys.clone()))
    }

    /// No mechanism configured: every request is let through.
    pub fn is_open(&self) -> bool {
        self.jwt.is_none() && self.api_keys.is_none()
    }

    /// The JWT verifier, if Supabase is configured.
    pub fn jwt(&self) -> Option<&JwtVerifier> {
        self.jwt.as_ref()
    }

    /// The API keys, if configured.
    pub fn api_keys(&self) -> Option<&ApiKeys> {
        self.api_keys.as_ref()
    }

    /// Who sent `headers`.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Identity, AuthError> {
        if self.is_open() {
            return Ok(Identity::unauthenticated());
        }
        let mut failure = AuthError::Unauthorized("missing credentials");
        if let Some(jwt) = &self.jwt {
            match bearer_token(headers) {
                Ok(Some(token)) => match jwt.verify(token).await {
                    Ok(identity) => return Ok(identity),
                    Err(e) => failure = e,
                },
                Ok(None) => {}
                Err(e) => failure = e,
            }
        }
        if let Some(keys) = &self.api_keys {
            match check_api_key(keys, headers) {
                Ok(Some(identity)) => return Ok(identity),
                Ok(None) => {}
                // A bad key does not hide that Supabase was down.
                Err(_) if matches!(failure, AuthError::Unavailable(_)) => {}
                Err(e) => failure = e,
            }
        }
        Err(failure)
    }

    /// Who sent `headers`, by `X-Api-Key` alone (service endpoints that
    /// must not accept user tokens). `None` when no API key is configured.
    pub fn authenticate_api_key(&self, headers: &HeaderMap) -> Option<Result<Identity, AuthError>> {
        let keys = self.api_keys.as_ref()?;
        Some(
            check_api_key(keys, headers)
                .and_then(|found| found.ok_or(AuthError::Unauthorized("missing credentials"))),
        )
    }
}

/// The verifier `config.jwt_mode` asks for.
#[cfg_attr(
    not(all(feature = "remote", feature = "local")),
    allow(unused_variables, reason = "a mode not compiled in needs no settings")
)]
fn jwt_verifier(config: &Config, url: &str) -> Result<JwtVerifier, AuthError> {
    match config.jwt_mode {
        #[cfg(feature = "remote")]
        JwtMode::Remote => Ok(JwtVerifier::Remote(RemoteVerifier::new(
            url,
            config.supabase_anon_key.clone(),
            config.timeout,
            config.cache_ttl,
        )?)),
        #[cfg(not(feature = "remote"))]
        JwtMode::Remote => Err(AuthError::Unavailable(
            "remote JWT mode not compiled in (feature `remote`)",
        )),
        #[cfg(feature = "local")]
        JwtMode::Local => {
            let mut local = LocalVerifier::new(
                url,
                config.supabase_anon_key.clone(),
                config.jwt_secret.as_ref(),
                config.timeout,
            )?;
            if let Some(claim) = &config.discord_id_claim {
                local = local.with_discord_id_claim(claim.clone());
            }
            Ok(JwtVerifier::Local(local))
        }
        #[cfg(not(feature = "local"))]
        JwtMode::Local => Err(AuthError::Unavailable(
            "local JWT mode not compiled in (feature `local`)",
        )),
    }
}

/// The `X-Api-Key` header checked against `keys`: `Ok(None)` when absent.
fn check_api_key(keys: &ApiKeys, headers: &HeaderMap) -> Result<Option<Identity>, AuthError> {
    match single(headers, API_KEY_HEADER)? {
        None => Ok(None),
        Some(presented) => keys
            .verify(presented)
            .map(|id| Some(Identity::api_key(id)))
            .ok_or(AuthError::Unauthorized("invalid api key")),
    }
}

/// The one value of header `name`, if present and visible ASCII.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, AuthError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AuthError::Unauthorized("repeated credentials header"));
    }
    value
        .to_str()
        .map(|v| Some(v.trim()))
        .map_err(|_| AuthError::Unauthorized("malformed credentials header"))
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
/// Another scheme counts as no bearer token.
fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
    let Some(value) = single(headers, http::header::AUTHORIZATION.as_str())? else {
        return Ok(None);
    };
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(AuthError::Unauthorized("empty bearer token"));
    }
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Bearer abc")])),
            Ok(Some("abc"))
        );
        assert_eq!(
            bearer_token(&headers(&[("authorization", "bearer   abc ")])),
            Ok(Some("abc"))
        );
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Basic dXNlcjpwYXNz")])),
            Ok(None)
        );
        assert_eq!(bearer_token(&headers(&[])), Ok(None));
        assert!(bearer_token(&headers(&[("authorization", "Bearer  ")])).is_err());
        assert!(
            bearer_token(&headers(&[
                ("authorization", "Bearer a"),
                ("authorization", "Bearer b")
            ]))
            .is_err()
        );
    }

    #[tokio::test]
    async fn open_only_when_nothing_is_configured() {
        let open = Authenticator::new(None, None);
        assert!(open.is_open());
        let who = open
            .authenticate(&headers(&[("x-user-id", "1")]))
            .await
            .unwrap();
        assert_eq!(who, Identity::unauthenticated());

        let keys = ApiKeys::parse("0123456789abcdef0123").unwrap();
        let closed = Authenticator::new(None, Some(keys));
        assert!(!closed.is_open());
        assert_eq!(
            closed.authenticate(&headers(&[("x-user-id", "1")])).await,
            Err(AuthError::Unauthorized("missing credentials"))
        );
        assert_eq!(
            closed
                .authenticate(&headers(&[("x-api-key", "0123456789abcdef0124")]))
                .await,
            Err(AuthError::Unauthorized("invalid api key"))
        );
        let ok = closed
            .authenticate(&headers(&[("x-api-key", "0123456789abcdef0123")]))
            .await
            .unwrap();
        assert_eq!(ok.method, crate::AuthMethod::ApiKey);
        assert!(
            closed
                .authenticate(&headers(&[
                    ("x-api-key", "0123456789abcdef0123"),
                    ("x-api-key", "0123456789abcdef0123")
                ]))
                .await
                .is_err()
        );

        // The API-key-only check.
        assert!(open.authenticate_api_key(&headers(&[])).is_none());
        assert_eq!(
            closed.authenticate_api_key(&headers(&[])),
            Some(Err(AuthError::Unauthorized("missing credentials")))
        );
        assert_eq!(
            closed.authenticate_api_key(&headers(&[("x-api-key", "0123456789abcdef0124")])),
            Some(Err(AuthError::Unauthorized("invalid api key")))
        );
        assert_eq!(
            closed
                .authenticate_api_key(&headers(&[("x-api-key", "0123456789abcdef0123")]))
                .map(|r| r.map(|who| who.method)),
            Some(Ok(crate::AuthMethod::ApiKey))
        );
    }
}
