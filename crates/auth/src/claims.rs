//! Supabase's claims and user answers, for both modes, and the one rule
//! for where a Discord id may come from.
//!
//! - Remote mode reads the Discord id from the user's Discord entry in
//!   `identities` (written by Supabase Auth when the OAuth login or link
//!   completed).
//! - Local mode reads it from one claim the project's server controls,
//!   named by [`ClaimPath`] (`SUPABASE_DISCORD_ID_CLAIM`).
//!
//! `user_metadata` is writable by the user (`PUT /auth/v1/user`,
//! supabase-js `updateUser({ data })`): no type here has a field for it,
//! and a [`ClaimPath`] cannot name it.

use std::fmt;

use serde_json::Value;

/// Tokens longer than this are refused before any work (Supabase access
/// tokens are about 1 KB).
pub const MAX_TOKEN_LEN: usize = 8192;

/// The claims a [`ClaimPath`] may not start with: what Supabase Auth sets
/// itself for other purposes, and `user_metadata`, which the user writes.
pub const FORBIDDEN_CLAIMS: &[&str] = &[
    "user_metadata",
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "email",
    "phone",
    "role",
    "aal",
    "amr",
    "session_id",
    "is_anonymous",
];

const MAX_SEGMENTS: usize = 4;
const MAX_SEGMENT_LEN: usize = 64;

/// Where in a local-mode access token the Discord id is: a top-level claim
/// (`discord_id`, added by a custom access token hook) or a dotted path
/// into an object claim (`app_metadata.discord_id`).
///
/// ```
/// use alphaguard_auth::ClaimPath;
///
/// assert_eq!(ClaimPath::parse("app_metadata.discord_id")?.to_string(), "app_metadata.discord_id");
/// assert!(ClaimPath::parse("user_metadata.provider_id").is_err()); // the user writes it
/// assert!(ClaimPath::parse("app_metadata..id").is_err());
/// # Ok::<(), alphaguard_auth::ClaimPathError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath {
    segments: Vec<String>,
}

/// Why a claim path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimPathError {
    /// Empty, an empty segment, too many or too long segments, or a
    /// character other than ASCII letters, digits, `_` and `-`.
    Malformed,
    /// It starts with `user_metadata` (the user writes it) or a claim
    /// Supabase sets for another purpose (`sub`, `email`, `phone`, ...).
    Untrusted,
}

impl fmt::Display for ClaimPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => {
                "must be a claim name or a dotted path (letters, digits, `_`, `-`; at most 4 parts)"
            }
            Self::Untrusted => {
                "names a claim the user can write (user_metadata) or one Supabase sets for another purpose; name a claim the server controls, such as app_metadata.discord_id or a claim added by a custom access token hook"
            }
        })
    }
}

impl std::error::Error for ClaimPathError {}

impl ClaimPath {
    /// Parses `discord_id` or `app_metadata.discord_id`.
    pub fn parse(text: &str) -> Result<Self, ClaimPathError> {
        let text = text.trim();
        let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
        let well_formed = !text.is_empty()
            && segments.len() <= MAX_SEGMENTS
            && segments.iter().all(|s| {
                !s.is_empty()
                    && s.len() <= MAX_SEGMENT_LEN
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            });
        if !well_formed {
            return Err(ClaimPathError::Malformed);
        }
        if FORBIDDEN_CLAIMS.contains(&segments[0].as_str()) {
            return Err(ClaimPathError::Untrusted);
        }
        Ok(Self { segments })
    }

    /// The value at this path in a token's claims, if any.
    pub fn lookup<'c>(&self, claims: &'c serde_json::Map<String, Value>) -> Option<&'c Value> {
        let (first, rest) = self.segments.split_first()?;
        rest.iter()
            .try_fold(claims.get(first)?, |value, segment| value.get(segment))
    }
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("."))
    }
}

/// A Discord id (snowflake) as Supabase and hooks write it: a string of
/// canonical decimal digits, or a JSON integer; positive.
#[cfg(any(feature = "remote", feature = "local"))]
pub(crate) fn as_discord_id(value: &Value) -> Option<u64> {
    let id = match value {
        Value::String(s) => s.parse::<u64>().ok().filter(|id| s == &id.to_string())?,
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    (id > 0).then_some(id)
}

#[cfg(any(feature = "remote", feature = "local"))]
pub(crate) use verified::*;

#[cfg(any(feature = "remote", feature = "local"))]
mod verified {
    use std::sync::atomic::{AtomicBool, Ordering};

    #[cfg(feature = "remote")]
    use super::as_discord_id;
    use crate::{AuthMethod, Identity};

    /// A warning logged once per verifier, not once per request.
    #[derive(Debug, Default)]
    pub(crate) struct LogOnce(AtomicBool);

    impl LogOnce {
        /// True the first time only.
        pub(crate) fn first(&self) -> bool {
            !self.0.load(Ordering::Relaxed) && !self.0.swap(true, Ordering::Relaxed)
        }
    }

    /// Whether an identity's text (a user id, role or e-mail) can be
    /// passed on as it is: no control character (a line break would make
    /// it unusable as a header value, and an upstream would get the
    /// request without it), at most 512 bytes.
    pub(crate) fn is_plain_text(text: &str) -> bool {
        text.len() <= 512 && !text.chars().any(char::is_control)
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

    /// The fields of Supabase's `GET /auth/v1/user` answer that identity
    /// needs. There is deliberately no `user_metadata` field.
    #[cfg(feature = "remote")]
    #[derive(serde::Deserialize)]
    pub(crate) struct UserAnswer {
        pub(crate) id: String,
        pub(crate) role: Option<String>,
        pub(crate) email: Option<String>,
        /// Server-written; read only to say in the log why a Discord login
        /// has no Discord id.
        #[serde(default)]
        pub(crate) app_metadata: AppMetadata,
        #[serde(default)]
        pub(crate) identities: Vec<UserIdentity>,
    }

    /// `app_metadata.provider`: the provider of the first login.
    #[cfg(feature = "remote")]
    #[derive(serde::Deserialize, Default)]
    pub(crate) struct AppMetadata {
        pub(crate) provider: Option<String>,
    }

    /// One linked identity of the user answer (`auth.identities`): `id` is
    /// its `provider_id` column, the provider's user id.
    #[cfg(feature = "remote")]
    #[derive(serde::Deserialize)]
    pub(crate) struct UserIdentity {
        pub(crate) provider: String,
        #[serde(default)]
        pub(crate) id: Option<serde_json::Value>,
        #[serde(default)]
        pub(crate) identity_data: serde_json::Map<String, serde_json::Value>,
    }

    /// What the identities say about the user's Discord id.
    #[cfg(feature = "remote")]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum DiscordIdentity {
        /// No Discord identity is linked.
        None,
        /// Exactly one Discord account.
        One(u64),
        /// A Discord entry without a readable id, or two different ids.
        Unclear,
    }

    #[cfg(feature = "remote")]
    impl UserAnswer {
        /// The Discord account linked to the user, from `identities` only:
        /// each Discord entry's `id` (its `provider_id`), else its
        /// `identity_data.provider_id` or `sub`.
        pub(crate) fn discord_identity(&self) -> DiscordIdentity {
            let mut found = DiscordIdentity::None;
            for entry in self.identities.iter().filter(|i| i.provider == "discord") {
                let id = entry
                    .id
                    .as_ref()
                    .and_then(as_discord_id)
                    .or_else(|| {
                        entry
                            .identity_data
                            .get("provider_id")
                            .and_then(as_discord_id)
                    })
                    .or_else(|| entry.identity_data.get("sub").and_then(as_discord_id));
                found = match (found, id) {
                    (DiscordIdentity::None, Some(id)) => DiscordIdentity::One(id),
                    (DiscordIdentity::One(a), Some(b)) if a == b => found,
                    _ => DiscordIdentity::Unclear,
                };
            }
            found
        }
    }
}
