//! The crate's one refusal type, and how it is answered over HTTP.

use std::fmt;

use http::StatusCode;

/// Why a request was refused: the credentials were wrong
/// ([`Unauthorized`](Self::Unauthorized)), the caller is known but not
/// allowed ([`Forbidden`](Self::Forbidden)), or the check could not be made
/// ([`Unavailable`](Self::Unavailable)).
///
/// Every place that answers a refusal renders it from this type alone:
/// [`status`](Self::status), [`public_message`](Self::public_message) (the
/// only text a client sees), [`challenge`](Self::challenge) (the
/// `WWW-Authenticate` value of a 401) and [`reason`](Self::reason) (a
/// short static label for logs and metrics; never a token, a key or an id).
///
/// ```
/// use alphaguard_auth::AuthError;
/// use http::StatusCode;
///
/// let refused = AuthError::Forbidden("not an owner");
/// assert_eq!(refused.status(), StatusCode::FORBIDDEN);
/// assert_eq!(refused.public_message(), "forbidden");
/// assert_eq!(refused.reason(), "not an owner");
/// assert_eq!(refused.challenge(), None);
/// assert_eq!(AuthError::Unauthorized("bad signature").challenge(), Some("Bearer"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The credentials are missing or wrong: 401.
    Unauthorized(&'static str),
    /// The caller is authenticated but not allowed (not an owner, or no
    /// verified Discord id): 403.
    Forbidden(&'static str),
    /// Supabase could not say (timeout, 5xx, network, no signing keys yet):
    /// 503, and the token is not judged.
    Unavailable(&'static str),
}

impl AuthError {
    /// A short static label for logs and the `reason` label of metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unauthorized(r) | Self::Forbidden(r) | Self::Unavailable(r) => r,
        }
    }

    /// The HTTP status to answer with: 401, 403 or 503.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The generic message a client may see: `unauthorized`, `forbidden`
    /// or `authentication unavailable` (the reason stays in the log).
    pub fn public_message(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::Unavailable(_) => "authentication unavailable",
        }
    }

    /// The `WWW-Authenticate` value to send with the answer: `Bearer` for a
    /// 401, nothing otherwise.
    pub fn challenge(&self) -> Option<&'static str> {
        match self {
            Self::Unauthorized(_) => Some("Bearer"),
            Self::Forbidden(_) | Self::Unavailable(_) => None,
        }
    }
}

/// What an authentication refusal means on the wire, said once: the
/// tower layers and the gateway both render it from here (the label is
/// [`reason`](AuthError::reason)). The default envelope,
/// [`JsonError`](alphaguard_config::refusal::JsonError), adds
/// `WWW-Authenticate: Bearer` to a 401, as [`challenge`](AuthError::challenge)
/// says.
impl alphaguard_config::refusal::Refusal for AuthError {
    fn status(&self) -> StatusCode {
        AuthError::status(self)
    }

    fn public_message(&self) -> &'static str {
        AuthError::public_message(self)
    }

    fn label(&self) -> &'static str {
        self.reason()
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.public_message(), self.reason())
    }
}

impl std::error::Error for AuthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_renders_from_one_place() {
        let cases = [
            (
                AuthError::Unauthorized("r1"),
                401,
                "unauthorized",
                Some("Bearer"),
            ),
            (AuthError::Forbidden("r2"), 403, "forbidden", None),
            (
                AuthError::Unavailable("r3"),
                503,
                "authentication unavailable",
                None,
            ),
        ];
        for (error, status, message, challenge) in cases {
            assert_eq!(error.status().as_u16(), status);
            assert_eq!(error.public_message(), message);
            assert_eq!(error.challenge(), challenge);
            assert_eq!(error.to_string(), format!("{message}: {}", error.reason()));
        }
    }
}
