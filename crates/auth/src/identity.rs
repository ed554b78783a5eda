use crate::ApiKeyId;

/// How an identity was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMethod {
    /// A Supabase JWT in `Authorization: Bearer`.
    SupabaseJwt,
    /// A static key in `X-Api-Key`.
    ApiKey,
    /// No authentication configured (development only).
    Unauthenticated,
}

impl AuthMethod {
    /// `supabase_jwt`, `api_key` or `unauthenticated`, as `/api/me` reports it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::SupabaseJwt => "supabase_jwt",
            Self::ApiKey => "api_key",
            Self::Unauthenticated => "unauthenticated",
        }
    }
}

/// Who is asking, derived only from verified credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identity {
    /// How it was established.
    pub method: AuthMethod,
    /// The user id (JWT `sub`), if a user.
    pub subject: Option<String>,
    /// The role (`authenticated`, `service`, ...).
    pub role: Option<String>,
    /// The e-mail, if the token carries one.
    pub email: Option<String>,
    /// The Discord user id, for Discord logins.
    pub discord_id: Option<u64>,
    /// Which API key, for API-key callers.
    pub api_key_id: Option<ApiKeyId>,
}

impl Identity {
    /// A caller that presented API key `id`.
    pub fn api_key(id: ApiKeyId) -> Self {
        Self {
            method: AuthMethod::ApiKey,
            subject: None,
            role: Some("service".to_owned()),
            email: None,
            discord_id: None,
            api_key_id: Some(id),
        }
    }

    /// The caller of a service with no authentication configured.
    pub fn unauthenticated() -> Self {
        Self {
            method: AuthMethod::Unauthenticated,
            subject: None,
            role: None,
            email: None,
            discord_id: None,
            api_key_id: None,
        }
    }
}
