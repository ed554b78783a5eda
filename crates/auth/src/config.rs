//! Configuration, posture and strict production mode.

use std::fmt;
use std::time::Duration;

use alphaguard_config::{ConfigErrors, Vars, is_https_or_loopback_http};
use zeroize::Zeroizing;

use crate::{ApiKeys, ClaimPath, IdList};

/// A secret string: zeroed on drop, `[redacted]` in `Debug` and `Display`.
#[derive(Clone)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a value.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How JWTs are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JwtMode {
    /// `GET {SUPABASE_URL}/auth/v1/user` (cached): sees logouts and bans.
    #[default]
    Remote,
    /// Signature checked here against the JWKS (or the legacy HS256
    /// secret): fast, blind to revocation until `exp`.
    Local,
}

/// How the service stands, from its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posture {
    /// Neither `API_KEY` nor `SUPABASE_URL`: every request is let through
    /// as unauthenticated. Development only; logged loudly at start.
    Unauthenticated,
    /// At least one mechanism configured.
    Normal,
    /// `APP_ENV=production` and `STRICT_SECURITY_MODE` on: the service must
    /// refuse to start while [`Config::missing_critical`] is not empty.
    ProductionStrict,
}

/// The authentication settings.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `API_KEY` | service key(s) for `X-Api-Key`, comma-separated | unset |
/// | `SUPABASE_URL` | project URL (`https://`, or `http://` to loopback) | unset |
/// | `SUPABASE_ANON_KEY` | sent as the `apikey` header | unset |
/// | `SUPABASE_JWT_MODE` | `remote` or `local` | `remote` |
/// | `SUPABASE_JWT_SECRET` | legacy HS256 secret, `local` mode | unset |
/// | `SUPABASE_DISCORD_ID_CLAIM` | `local` mode: the server-controlled claim holding the Discord id (`app_metadata.discord_id`, or `discord_id` from a custom access token hook); never `user_metadata` | unset: no Discord ids |
/// | `SUPABASE_TIMEOUT_MS` | connect and total timeout of Supabase calls | 3000 |
/// | `SUPABASE_CACHE_TTL_SECS` | longest a verified token is cached | 30 |
/// | `APP_ENV` | `development` or `production` | `development` |
/// | `STRICT_SECURITY_MODE` | `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off` | off |
/// | `OWNER_IDS` | comma-separated Discord user ids | empty |
/// | `ADMIN_ROLE_ID` | comma-separated Discord role ids | empty |
///
/// ```
/// use alphaguard_auth::{Config, Posture};
///
/// let strict = Config::from_lookup(|var| match var {
///     "APP_ENV" => Some("production".into()),
///     "STRICT_SECURITY_MODE" => Some("1".into()),
///     _ => None,
/// })
/// .unwrap();
/// assert_eq!(strict.posture(), Posture::ProductionStrict);
/// assert_eq!(strict.missing_critical(), ["API_KEY or SUPABASE_URL", "OWNER_IDS"]);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// `API_KEY`.
    pub api_keys: Option<ApiKeys>,
    /// `SUPABASE_URL`, without a trailing slash.
    pub supabase_url: Option<String>,
    /// `SUPABASE_ANON_KEY`.
    pub supabase_anon_key: Option<SecretString>,
    /// `SUPABASE_JWT_MODE`.
    pub jwt_mode: JwtMode,
    /// `SUPABASE_JWT_SECRET`.
    pub jwt_secret: Option<SecretString>,
    /// `SUPABASE_DISCORD_ID_CLAIM` (local mode; remote mode reads the
    /// user's Discord identity instead).
    pub discord_id_claim: Option<ClaimPath>,
    /// `SUPABASE_TIMEOUT_MS`.
    pub timeout: Duration,
    /// `SUPABASE_CACHE_TTL_SECS`.
    pub cache_ttl: Duration,
    /// `APP_ENV=production`.
    pub production: bool,
    /// `STRICT_SECURITY_MODE`.
    pub strict: bool,
    /// `OWNER_IDS`.
    pub owners: IdList,
    /// `ADMIN_ROLE_ID`.
    pub admin_roles: IdList,
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `https://…`, or `http://` to a loopback host (tests, local Supabase).
impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads through `lookup`; unset and empty variables take defaults.
    pub fn from_lookup(lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        let mut vars = Vars::new(lookup);

        let api_keys = vars.get("API_KEY").and_then(|v| {
            ApiKeys::parse(&Zeroizing::new(v))
                .map_err(|e| vars.fail("API_KEY", e.to_string()))
                .ok()
        });
        let supabase_url = vars.get("SUPABASE_URL").and_then(|v| {
            let url = v.trim_end_matches('/').to_owned();
            if is_https_or_loopback_http(&url) {
                Some(url)
            } else {
                vars.fail(
                    "SUPABASE_URL",
                    "must be an https:// URL (http:// only to loopback)",
                );
                None
            }
        });
        let supabase_anon_key = vars.get("SUPABASE_ANON_KEY").map(SecretString::new);
        let jwt_mode = match vars.get("SUPABASE_JWT_MODE").as_deref() {
            None | Some("remote") => JwtMode::Remote,
            Some("local") => JwtMode::Local,
            Some(_) => {
                vars.fail("SUPABASE_JWT_MODE", "must be `remote` or `local`");
                JwtMode::Remote
            }
        };
        if jwt_mode == JwtMode::Local && supabase_url.is_none() {
            vars.fail(
                "SUPABASE_JWT_MODE",
                "`local` needs SUPABASE_URL (the JWKS and the issuer)",
            );
        }
        let jwt_secret = vars.get("SUPABASE_JWT_SECRET").map(SecretString::new);
        if jwt_secret.as_ref().is_some_and(|s| s.expose().len() < 32) {
            vars.fail("SUPABASE_JWT_SECRET", "shorter than 32 characters");
        }
        let discord_id_claim = vars.get("SUPABASE_DISCORD_ID_CLAIM").and_then(|v| {
            ClaimPath::parse(&v)
                .map_err(|e| vars.fail("SUPABASE_DISCORD_ID_CLAIM", e.to_string()))
                .ok()
        });
        let timeout = Duration::from_millis(vars.number("SUPABASE_TIMEOUT_MS", 3000, 100..=60_000));
        let cache_ttl = Duration::from_secs(vars.number("SUPABASE_CACHE_TTL_SECS", 30, 0..=3600));
        let production = match vars.get("APP_ENV").as_deref() {
            None | Some("development") => false,
            Some("production") => true,
            Some(_) => {
                vars.fail("APP_ENV", "must be `development` or `production`");
                false
            }
        };
        let strict = match vars.get("STRICT_SECURITY_MODE") {
            None => false,
            Some(v) => parse_bool(&v).unwrap_or_else(|| {
                vars.fail(
                    "STRICT_SECURITY_MODE",
                    "must be 1/true/yes/on or 0/false/no/off",
                );
                // Unreadable: fail closed.
                true
            }),
        };
        let mut ids = |var: &'static str| -> IdList {
            vars.get(var)
                .map(|v| {
                    IdList::parse(&v).unwrap_or_else(|e| {
                        vars.fail(var, e.to_string());
                        IdList::default()
                    })
                })
                .unwrap_or_default()
        };
        let owners = ids("OWNER_IDS");
        let admin_roles = ids("ADMIN_ROLE_ID");

        vars.finish(Self {
            api_keys,
            supabase_url,
            supabase_anon_key,
            jwt_mode,
            jwt_secret,
            discord_id_claim,
            timeout,
            cache_ttl,
            production,
            strict,
            owners,
            admin_roles,
        })
    }

    /// The service's posture.
    pub fn posture(&self) -> Posture {
        if self.production && self.strict {
            Posture::ProductionStrict
        } else if self.api_keys.is_none() && self.supabase_url.is_none() {
            Posture::Unauthenticated
        } else {
            Posture::Normal
        }
    }

    /// What strict production mode requires and this configuration lacks
    /// (empty outside strict mode): an auth mechanism, `OWNER_IDS`, and
    /// for remote JWT checks the `SUPABASE_ANON_KEY` Supabase's gateway
    /// requires. The service adds the webhook secrets it needs.
    pub fn missing_critical(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.posture() != Posture::ProductionStrict {
            return missing;
        }
        if self.api_keys.is_none() && self.supabase_url.is_none() {
            missing.push("API_KEY or SUPABASE_URL");
        }
        if self.supabase_url.is_some()
            && self.jwt_mode == JwtMode::Remote
            && self.supabase_anon_key.is_none()
        {
            missing.push("SUPABASE_ANON_KEY");
        }
        if self.owners.is_empty() {
            missing.push("OWNER_IDS");
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
        Config::from_lookup(|var| {
            vars.iter()
                .find(|(k, _)| *k == var)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn postures() {
        assert_eq!(config(&[]).unwrap().posture(), Posture::Unauthenticated);
        assert_eq!(
            config(&[("API_KEY", "0123456789abcdef")])
                .unwrap()
                .posture(),
            Posture::Normal
        );
        let prod = config(&[("APP_ENV", "production"), ("API_KEY", "0123456789abcdef")]).unwrap();
        assert_eq!(prod.posture(), Posture::Normal);
        assert!(prod.missing_critical().is_empty());
    }

    #[test]
    fn strict_mode_lists_everything_missing() {
        let c = config(&[
            ("APP_ENV", "production"),
            ("STRICT_SECURITY_MODE", "true"),
            ("SUPABASE_URL", "https://abc.supabase.co/"),
        ])
        .unwrap();
        assert_eq!(c.supabase_url.as_deref(), Some("https://abc.supabase.co"));
        assert_eq!(c.missing_critical(), ["SUPABASE_ANON_KEY", "OWNER_IDS"]);
        let c = config(&[
            ("APP_ENV", "production"),
            ("STRICT_SECURITY_MODE", "on"),
            ("SUPABASE_URL", "https://abc.supabase.co"),
            ("SUPABASE_JWT_MODE", "local"),
            ("OWNER_IDS", "123456789012345678"),
        ])
        .unwrap();
        assert!(c.missing_critical().is_empty());
    }

    #[test]
    fn every_bad_variable_is_named_once_without_secrets() {
        let err = config(&[
            ("API_KEY", "hunter2"),
            ("SUPABASE_URL", "http://abc.supabase.co"),
            ("SUPABASE_JWT_MODE", "both"),
            ("SUPABASE_JWT_SECRET", "tooshortsecret"),
            ("SUPABASE_DISCORD_ID_CLAIM", "user_metadata.provider_id"),
            ("SUPABASE_TIMEOUT_MS", "0"),
            ("SUPABASE_CACHE_TTL_SECS", "forever"),
            ("APP_ENV", "prod"),
            ("STRICT_SECURITY_MODE", "maybe"),
            ("OWNER_IDS", "123, me"),
            ("ADMIN_ROLE_ID", "-5"),
        ])
        .unwrap_err();
        let vars: Vec<_> = err.0.iter().map(|e| e.var).collect();
        assert_eq!(
            vars,
            [
                "API_KEY",
                "SUPABASE_URL",
                "SUPABASE_JWT_MODE",
                "SUPABASE_JWT_SECRET",
                "SUPABASE_DISCORD_ID_CLAIM",
                "SUPABASE_TIMEOUT_MS",
                "SUPABASE_CACHE_TTL_SECS",
                "APP_ENV",
                "STRICT_SECURITY_MODE",
                "OWNER_IDS",
                "ADMIN_ROLE_ID",
            ]
        );
        let text = err.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("tooshortsecret"),
            "{text}"
        );
        assert!(
            text.contains("OWNER_IDS: \"me\" is not a positive integer id"),
            "{text}"
        );
    }

    #[test]
    fn the_discord_id_claim_is_one_the_server_controls() {
        let c = config(&[("SUPABASE_DISCORD_ID_CLAIM", " app_metadata.discord_id ")]).unwrap();
        assert_eq!(
            c.discord_id_claim.map(|p| p.to_string()).as_deref(),
            Some("app_metadata.discord_id")
        );
        assert_eq!(config(&[]).unwrap().discord_id_claim, None);
        for bad in [
            "user_metadata.provider_id",
            "user_metadata",
            "sub",
            "phone",
            "app_metadata..discord_id",
            "app_metadata.discord id",
            ".discord_id",
            "a.b.c.d.e",
        ] {
            let err = config(&[("SUPABASE_DISCORD_ID_CLAIM", bad)]).unwrap_err();
            assert!(err.mentions("SUPABASE_DISCORD_ID_CLAIM"), "{bad}");
        }
    }

    #[test]
    fn supabase_urls() {
        assert!(config(&[("SUPABASE_URL", "http://127.0.0.1:54321")]).is_ok());
        assert!(config(&[("SUPABASE_URL", "https://abc.supabase.co/")]).is_ok());
        for bad in ["http://abc.supabase.co", "http://127.0.0.1.evil.example"] {
            let err = config(&[("SUPABASE_URL", bad)]).unwrap_err();
            assert!(err.mentions("SUPABASE_URL"), "{bad}");
        }
    }

    #[test]
    fn secrets_are_redacted() {
        let c = config(&[
            ("SUPABASE_ANON_KEY", "anon-key-value"),
            ("API_KEY", "0123456789abcdef"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("anon-key-value") && !shown.contains("0123456789abcdef"),
            "{shown}"
        );
    }
}
