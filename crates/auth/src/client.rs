//! The HTTP client both verifiers use to reach Supabase.

use std::time::Duration;

use crate::AuthError;

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
