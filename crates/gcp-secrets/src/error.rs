use std::fmt;

/// Why a secret could not be had. Never carries the secret; resource names
/// are not secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Neither `GOOGLE_PROJECT_ID` nor `GOOGLE_CREDENTIALS_JSON` is set.
    NotConfigured,
    /// Secret Manager says the secret or version does not exist.
    NotFound {
        /// `projects/…/secrets/…/versions/…`.
        resource: String,
    },
    /// The caller's identity may not read it (grant
    /// `roles/secretmanager.secretAccessor` on the secret).
    PermissionDenied {
        /// `projects/…/secrets/…/versions/…`.
        resource: String,
    },
    /// No access token for Secret Manager (bad key, metadata server
    /// unreachable, token endpoint refused).
    Auth(String),
    /// Secret Manager stayed unavailable (429, 503, timeouts) until the
    /// retry deadline passed, or answered something unexpected.
    Unavailable(String),
    /// The payload did not match its `dataCrc32c`, or was not base64.
    Corrupt {
        /// `projects/…/secrets/…/versions/…`.
        resource: String,
    },
    /// The credentials are not a service-account key.
    InvalidCredentials(String),
    /// The IAM API could not tell about the key (denied, not found,
    /// unreachable, or an answer it could not read).
    Iam(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotConfigured => f.write_str(
                "no Google credentials configured: set GOOGLE_PROJECT_ID (Secret Manager) or GOOGLE_CREDENTIALS_JSON",
            ),
            Self::NotFound { resource } => write!(f, "secret not found: {resource}"),
            Self::PermissionDenied { resource } => write!(
                f,
                "permission denied on {resource}: grant roles/secretmanager.secretAccessor"
            ),
            Self::Auth(why) => write!(f, "no access token for Secret Manager: {why}"),
            Self::Unavailable(why) => write!(f, "Secret Manager unavailable: {why}"),
            Self::Corrupt { resource } => {
                write!(f, "secret payload failed its CRC32C check: {resource}")
            }
            Self::InvalidCredentials(why) => {
                write!(f, "not a service-account key: {why}")
            }
            Self::Iam(why) => write!(f, "IAM: {why}"),
        }
    }
}

impl std::error::Error for Error {}
