//! One Secret Manager call, retried the way Google's clients retry.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::{BackoffBuilder as _, ExponentialBuilder, Retryable as _};
use base64::Engine as _;
use serde::Deserialize;

use crate::{Error, SecretValue, TokenSource};

/// Retries of `RESOURCE_EXHAUSTED` (429), `UNAVAILABLE` (503), other 5xx
/// and network failures: exponential backoff with jitter, within a
/// deadline. The schedule is [`backon`]'s exponential backoff; the Drive
/// client's pacer uses the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay (Google's clients: 2 s).
    pub initial: Duration,
    /// Each delay is this many times the last.
    pub multiplier: u32,
    /// The longest delay.
    pub max: Duration,
    /// No retry starts after this much time.
    pub deadline: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(2),
            multiplier: 2,
            max: Duration::from_secs(32),
            deadline: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The delays before each retry, in order, without end: retry `n`
    /// (0-based) waits a random point in the upper half of
    /// `min(initial × multiplierⁿ, max)`, so many clients failing together
    /// do not retry together. (backon adds a jitter of up to one step to
    /// its delay; starting it at half the step gives the upper half.)
    /// The deadline is not applied here: the callers check it against the
    /// time actually spent.
    pub fn delays(&self) -> impl Iterator<Item = Duration> + Send + Sync + Unpin + use<> {
        ExponentialBuilder::new()
            .with_min_delay(self.initial / 2)
            .with_max_delay(self.max / 2)
            .with_factor(self.multiplier.max(1) as f32)
            .with_jitter()
            .without_max_times()
            .build()
    }
}

#[derive(Deserialize)]
struct AccessResponse {
    #[serde(default)]
    name: Option<String>,
    payload: Payload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    data: String,
    data_crc32c: Option<String>,
}

#[derive(Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    status: String,
}

/// Why one attempt failed.
enum Failure {
    /// Retrying cannot help.
    Stop(Error),
    /// Worth another attempt (the reason, for logs).
    Retry(String),
}

/// What a payload's `dataCrc32c` said about its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Crc32cCheck {
    /// The checksum matches the decoded data.
    Matches,
    /// The checksum does not match (or the data is not base64).
    Mismatch,
    /// Secret Manager sent no checksum (a version stored without one).
    Missing,
    /// No Secret Manager involved (`GOOGLE_CREDENTIALS_JSON`).
    NotApplicable,
}

/// The public facts about a service-account key (nothing secret): what
/// [`SecretCheck`] reports and what the IAM key lookup needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIdentity {
    /// `client_email`: the service account.
    pub client_email: String,
    /// `project_id`, if the key names one.
    pub project_id: Option<String>,
    /// `private_key_id`: the key's id in IAM.
    pub private_key_id: Option<String>,
}

/// What one fresh read of the credentials showed (for `alphaguard doctor`):
/// whether the payload decodes, whether its CRC32C matches, and whether it
/// is a service-account key. Never holds the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretCheck {
    /// The version Secret Manager answered with
    /// (`projects/…/secrets/…/versions/3`); `None` for the environment.
    pub version: Option<String>,
    /// Whether `payload.data` was valid base64 (always true for the
    /// environment).
    pub decodes: bool,
    /// The CRC32C verdict.
    pub crc32c: Crc32cCheck,
    /// The value's length in bytes (0 when it does not decode).
    pub len: usize,
    /// The key's identity when the value is a service-account key, else
    /// why it is not (a position, never the content).
    pub key: Result<KeyIdentity, String>,
}

impl SecretCheck {
    /// Whether everything checked out: it decodes, the CRC32C matches (or
    /// does not apply), and it is a service-account key.
    pub fn is_ok(&self) -> bool {
        self.decodes
            && matches!(
                self.crc32c,
                Crc32cCheck::Matches | Crc32cCheck::NotApplicable
            )
            && self.key.is_ok()
    }

    /// The check of a value that needs no decoding (the environment).
    pub(crate) fn of_plain(value: &SecretValue) -> Self {
        Self {
            version: None,
            decodes: true,
            crc32c: Crc32cCheck::NotApplicable,
            len: value.len(),
            key: key_identity(value),
        }
    }
}

/// The identity in a service-account key JSON, or why there is none.
pub(crate) fn key_identity(value: &SecretValue) -> Result<KeyIdentity, String> {
    let key = parse_key(value).map_err(|e| e.to_string())?;
    Ok(KeyIdentity {
        client_email: key.client_email,
        project_id: key.project_id,
        private_key_id: key.private_key_id,
    })
}

/// The value as a service-account key; errors give a position, never
/// content.
pub(crate) fn parse_key(value: &SecretValue) -> Result<yup_oauth2::ServiceAccountKey, Error> {
    let key: yup_oauth2::ServiceAccountKey =
        serde_json::from_slice(value.expose()).map_err(|e| {
            Error::InvalidCredentials(format!("line {}, column {}", e.line(), e.column()))
        })?;
    if key
        .key_type
        .as_deref()
        .is_some_and(|t| t != "service_account")
    {
        return Err(Error::InvalidCredentials(
            "`type` is not service_account".to_owned(),
        ));
    }
    Ok(key)
}

/// A Secret Manager client: `versions.access` over REST with a bearer
/// token, the payload's CRC32C checked.
#[derive(Debug)]
pub struct SecretManager {
    http: reqwest::Client,
    endpoint: String,
    tokens: TokenSource,
    backoff: Backoff,
}

/// The HTTP client every Google REST call here uses: short timeouts, no
/// redirects (a bearer token never follows one).
pub(crate) fn http_client() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Unavailable(format!("http client: {e}")))
}

impl SecretManager {
    /// A client for `endpoint` (`https://secretmanager.googleapis.com`).
    pub fn new(endpoint: &str, tokens: TokenSource, backoff: Backoff) -> Result<Self, Error> {
        Ok(Self {
            http: http_client()?,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            tokens,
            backoff,
        })
    }

    /// The token source's method, for logs.
    pub fn token_method(&self) -> &'static str {
        self.tokens.method()
    }

    /// The token source (the runtime identity), for other Google calls.
    pub(crate) fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    /// `GET {endpoint}/v1/{resource}:access`, where `resource` is
    /// `projects/{p}/secrets/{s}/versions/{v}`; the payload must decode and
    /// match its CRC32C.
    pub async fn access(&self, resource: &str) -> Result<SecretValue, Error> {
        let body = self.fetch(resource).await?;
        let decoded = decode(&body)?;
        match (decoded.data, decoded.crc32c) {
            (Some(value), Crc32cCheck::Matches) => Ok(value),
            _ => Err(Error::Corrupt {
                resource: resource.to_owned(),
            }),
        }
    }

    /// The same request as [`access`](Self::access), reported instead of
    /// refused: whether the payload decodes, whether its CRC32C matches,
    /// and whether it is a service-account key. Nothing is cached. HTTP
    /// failures (not found, denied, unavailable) are still errors.
    pub async fn check(&self, resource: &str) -> Result<SecretCheck, Error> {
        let body = self.fetch(resource).await?;
        let decoded = decode(&body)?;
        Ok(match decoded.data {
            Some(value) => SecretCheck {
                version: decoded.name,
                decodes: true,
                crc32c: decoded.crc32c,
                len: value.len(),
                key: key_identity(&value),
            },
            None => SecretCheck {
                version: decoded.name,
                decodes: false,
                crc32c: decoded.crc32c,
                len: 0,
                key: Err("the payload is not base64".to_owned()),
            },
        })
    }

    /// The answer's body, retried with [`Backoff`] until the deadline.
    async fn fetch(&self, resource: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        let started = Instant::now();
        let deadline = self.backoff.deadline;
        let attempts = AtomicU32::new(0);
        (|| async {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt(resource).await
        })
        .retry(self.backoff.delays())
        .when(|failure| matches!(failure, Failure::Retry(_)))
        .adjust(|_, delay| delay.filter(|d| started.elapsed() + *d <= deadline))
        .notify(|failure, delay| {
            if let Failure::Retry(why) = failure {
                tracing::warn!(resource, attempt = attempts.load(Ordering::Relaxed), delay_ms = delay.as_millis() as u64, reason = %why, "Secret Manager retry");
            }
        })
        .await
        .map_err(|failure| match failure {
            Failure::Stop(e) => e,
            Failure::Retry(why) => Error::Unavailable(format!(
                "{why}; gave up after {} attempts",
                attempts.load(Ordering::Relaxed)
            )),
        })
    }

    async fn attempt(&self, resource: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, Failure> {
        let token = self.tokens.token().await.map_err(Failure::Stop)?;
        let url = format!("{}/v1/{resource}:access", self.endpoint);
        let response = match self.http.get(url).bearer_auth(token).send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Err(Failure::Retry("timeout".to_owned())),
            Err(_) => return Err(Failure::Retry("unreachable".to_owned())),
        };
        let status = response.status();
        let Ok(body) = response.bytes().await else {
            return Err(Failure::Retry("body not read".to_owned()));
        };
        if status.is_success() {
            return Ok(zeroize::Zeroizing::new(body.to_vec()));
        }
        let code = serde_json::from_slice::<GoogleError>(&body)
            .map(|e| e.error.status)
            .unwrap_or_default();
        let resource = resource.to_owned();
        Err(match (status.as_u16(), code.as_str()) {
            (404, _) | (_, "NOT_FOUND") => Failure::Stop(Error::NotFound { resource }),
            (403, _) | (_, "PERMISSION_DENIED") => {
                Failure::Stop(Error::PermissionDenied { resource })
            }
            (429, _) | (_, "RESOURCE_EXHAUSTED") => Failure::Retry("RESOURCE_EXHAUSTED".to_owned()),
            (503, _) | (_, "UNAVAILABLE") => Failure::Retry("UNAVAILABLE".to_owned()),
            (500..=599, _) => Failure::Retry(format!("HTTP {}", status.as_u16())),
            (401, _) => Failure::Stop(Error::Auth("token refused".to_owned())),
            (other, _) => Failure::Stop(Error::Unavailable(format!("HTTP {other} {code}"))),
        })
    }
}

/// An `:access` answer taken apart.
struct Decoded {
    /// The version answered with.
    name: Option<String>,
    /// The data, if it is base64.
    data: Option<SecretValue>,
    /// What its checksum says.
    crc32c: Crc32cCheck,
}

/// Takes an `:access` answer apart; only an answer that is not the
/// expected JSON is an error.
fn decode(body: &[u8]) -> Result<Decoded, Error> {
    let answer: AccessResponse = serde_json::from_slice(body)
        .map_err(|_| Error::Unavailable("unexpected Secret Manager answer".to_owned()))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(answer.payload.data.as_bytes())
        .ok()
        .map(SecretValue::new);
    let claimed = answer
        .payload
        .data_crc32c
        .as_deref()
        .map(|c| c.parse::<u64>().ok().and_then(|c| u32::try_from(c).ok()));
    let crc32c = match (&data, claimed) {
        (_, None) => Crc32cCheck::Missing,
        (Some(value), Some(Some(crc))) if crc32c::crc32c(value.expose()) == crc => {
            Crc32cCheck::Matches
        }
        _ => Crc32cCheck::Mismatch,
    };
    Ok(Decoded {
        name: answer.name,
        data,
        crc32c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Backoff::default();
        let delays: Vec<Duration> = b.delays().take(10).collect();
        for (attempt, d) in delays.iter().enumerate() {
            let step =
                (Duration::from_secs(2) * 2u32.pow(attempt as u32)).min(Duration::from_secs(32));
            assert!(*d >= step / 2 && *d <= step, "{attempt}: {d:?}");
        }
        let thirds: std::collections::HashSet<_> =
            (0..20).map(|_| b.delays().nth(3).unwrap()).collect();
        assert!(thirds.len() > 1, "no jitter");
    }

    fn access(body: &[u8]) -> Result<SecretValue, Error> {
        let d = decode(body)?;
        match (d.data, d.crc32c) {
            (Some(v), Crc32cCheck::Matches) => Ok(v),
            _ => Err(Error::Corrupt {
                resource: "r".to_owned(),
            }),
        }
    }

    #[test]
    fn payloads_are_checked() {
        let ok = br#"{"name":"x","payload":{"data":"aGVsbG8=","dataCrc32c":"2591144780"}}"#;
        assert_eq!(access(ok).unwrap().expose(), b"hello");
        assert_eq!(decode(ok).unwrap().name.as_deref(), Some("x"));
        let wrong = br#"{"name":"x","payload":{"data":"aGVsbG8=","dataCrc32c":"1"}}"#;
        assert!(matches!(access(wrong), Err(Error::Corrupt { .. })));
        assert_eq!(decode(wrong).unwrap().crc32c, Crc32cCheck::Mismatch);
        let missing = br#"{"name":"x","payload":{"data":"aGVsbG8="}}"#;
        assert!(matches!(access(missing), Err(Error::Corrupt { .. })));
        assert_eq!(decode(missing).unwrap().crc32c, Crc32cCheck::Missing);
        let not_b64 = br#"{"name":"x","payload":{"data":"!!","dataCrc32c":"0"}}"#;
        assert!(matches!(access(not_b64), Err(Error::Corrupt { .. })));
        assert!(decode(not_b64).unwrap().data.is_none());
        let not_a_number = br#"{"payload":{"data":"aGVsbG8=","dataCrc32c":"x"}}"#;
        assert_eq!(decode(not_a_number).unwrap().crc32c, Crc32cCheck::Mismatch);
        assert!(matches!(decode(b"<html>"), Err(Error::Unavailable(_))));
    }
}
