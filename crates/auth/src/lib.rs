#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod access;
mod api_key;
mod authenticator;
mod claims;
#[cfg(any(feature = "remote", feature = "local"))]
mod client;
mod config;
mod error;
mod headers;
mod identity;
#[cfg(feature = "tower")]
pub mod layer;
#[cfg(feature = "local")]
mod local;
#[cfg(feature = "remote")]
mod remote;
#[cfg(any(feature = "local", feature = "remote"))]
mod unique_json;

pub use access::{IdList, IdListError, require_owner, validate_admin};
pub use alphaguard_config::{ConfigError, ConfigErrors};
pub use api_key::{API_KEY_HEADER, ApiKeyError, ApiKeyId, ApiKeys, MAX_API_KEYS, MIN_API_KEY_LEN};
pub use authenticator::{Authenticator, JwtVerifier};
pub use claims::{ClaimPath, ClaimPathError, FORBIDDEN_CLAIMS, MAX_TOKEN_LEN};
pub use config::{Config, JwtMode, Posture, SecretString};
pub use error::AuthError;
pub use headers::{
    IDENTITY_HEADER_PREFIXES, IDENTITY_HEADERS, is_identity_header, strip_identity_headers,
};
pub use identity::{AuthMethod, Identity};
#[cfg(feature = "local")]
pub use local::{
    DEFAULT_JWKS_TTL, DEFAULT_REFETCH_COOLDOWN, JWKS_TTL_RANGE, LEEWAY, LocalVerifier,
    MAX_JWKS_BYTES,
};
#[cfg(feature = "remote")]
pub use remote::{CACHE_CAPACITY, NEGATIVE_TTL, RemoteVerifier};
