//! One Secret Manager call, retried the way Google's clients retry.

use std::time::{Duration, Instant};

use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Deserialize;

use crate::{Error, SecretValue, TokenSource};

/// Retries of `RESOURCE_EXHAUSTED` (429), `UNAVAILABLE` (503), other 5xx
/// and network failures: exponential backoff with jitter, within a
/// deadline.
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
    /// The delay before retry `attempt` (0-based): the exponential step,
    /// capped, then a random point in its upper half (jitter), so many
    /// clients failing together do not retry together.
    pub fn delay(&self, attempt: u32) -> Duration {
        let step = self
            .initial
            .saturating_mul(self.multiplier.saturating_pow(attempt.min(30)))
            .min(self.max);
        let mut byte = [0u8; 1];
        let _ = SystemRandom::new().fill(&mut byte);
        step / 2 + step / 2 * u32::from(byte[0]) / 255
    }
}

#[derive(Deserialize)]
struct AccessResponse {
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

/// What one attempt came to.
enum Attempt {
    Done(Result<SecretValue, Error>),
    Retry(String),
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

impl SecretManager {
    /// A client for `endpoint` (`https://secretmanager.googleapis.com`).
    pub fn new(endpoint: &str, tokens: TokenSource, backoff: Backoff) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Unavailable(format!("http client: {e}")))?;
        Ok(Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            tokens,
            backoff,
        })
    }

    /// The token source's method, for logs.
    pub fn token_method(&self) -> &'static str {
        self.tokens.method()
    }

    /// `GET {endpoint}/v1/{resource}:access`, where `resource` is
    /// `projects/{p}/secrets/{s}/versions/{v}`.
    pub async fn access(&self, resource: &str) -> Result<SecretValue, Error> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            match self.attempt(resource).await {
                Attempt::Done(result) => return result,
                Attempt::Retry(why) => {
                    let delay = self.backoff.delay(attempt);
                    if started.elapsed() + delay > self.backoff.deadline {
                        return Err(Error::Unavailable(format!(
                            "{why}; gave up after {} attempts",
                            attempt + 1
                        )));
                    }
                    tracing::warn!(resource, attempt = attempt + 1, delay_ms = delay.as_millis() as u64, reason = %why, "Secret Manager retry");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn attempt(&self, resource: &str) -> Attempt {
        let token = match self.tokens.token().await {
            Ok(t) => t,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let url = format!("{}/v1/{resource}:access", self.endpoint);
        let response = match self.http.get(url).bearer_auth(token).send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Attempt::Retry("timeout".to_owned()),
            Err(_) => return Attempt::Retry("unreachable".to_owned()),
        };
        let status = response.status();
        let Ok(body) = response.bytes().await else {
            return Attempt::Retry("body not read".to_owned());
        };
        if status.is_success() {
            return Attempt::Done(decode(resource, &body));
        }
        let code = serde_json::from_slice::<GoogleError>(&body)
            .map(|e| e.error.status)
            .unwrap_or_default();
        let resource = resource.to_owned();
        match (status.as_u16(), code.as_str()) {
            (404, _) | (_, "NOT_FOUND") => Attempt::Done(Err(Error::NotFound { resource })),
            (403, _) | (_, "PERMISSION_DENIED") => {
                Attempt::Done(Err(Error::PermissionDenied { resource }))
            }
            (429, _) | (_, "RESOURCE_EXHAUSTED") => Attempt::Retry("RESOURCE_EXHAUSTED".to_owned()),
            (503, _) | (_, "UNAVAILABLE") => Attempt::Retry("UNAVAILABLE".to_owned()),
            (500..=599, _) => Attempt::Retry(format!("HTTP {}", status.as_u16())),
            (401, _) => Attempt::Done(Err(Error::Auth("token refused".to_owned()))),
            (other, _) => Attempt::Done(Err(Error::Unavailable(format!("HTTP {other} {code}")))),
        }
    }
}

/// The payload of an `:access` answer, its CRC32C checked.
fn decode(resource: &str, body: &[u8]) -> Result<SecretValue, Error> {
    let corrupt = || Error::Corrupt {
        resource: resource.to_owned(),
    };
    let answer: AccessResponse = serde_json::from_slice(body)
        .map_err(|_| Error::Unavailable("unexpected Secret Manager answer".to_owned()))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(answer.payload.data.as_bytes())
        .map_err(|_| corrupt())?;
    let value = SecretValue::new(data);
    let expected: u32 = answer
        .payload
        .data_crc32c
        .as_deref()
        .and_then(|c| c.parse::<u64>().ok())
        .and_then(|c| u32::try_from(c).ok())
        .ok_or_else(corrupt)?;
    if crc32c::crc32c(value.expose()) != expected {
        return Err(corrupt());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Backoff::default();
        for attempt in 0..10 {
            let step = (Duration::from_secs(2) * 2u32.pow(attempt)).min(Duration::from_secs(32));
            let d = b.delay(attempt);
            assert!(d >= step / 2 && d <= step, "{attempt}: {d:?}");
        }
        let delays: std::collections::HashSet<_> = (0..20).map(|_| b.delay(3)).collect();
        assert!(delays.len() > 1, "no jitter");
    }

    #[test]
    fn payloads_are_checked() {
        let ok = br#"{"name":"x","payload":{"data":"aGVsbG8=","dataCrc32c":"2591144780"}}"#;
        assert_eq!(decode("r", ok).unwrap().expose(), b"hello");
        let wrong = br#"{"name":"x","payload":{"data":"aGVsbG8=","dataCrc32c":"1"}}"#;
        assert!(matches!(decode("r", wrong), Err(Error::Corrupt { .. })));
        let missing = br#"{"name":"x","payload":{"data":"aGVsbG8="}}"#;
        assert!(matches!(decode("r", missing), Err(Error::Corrupt { .. })));
        let not_b64 = br#"{"name":"x","payload":{"data":"!!","dataCrc32c":"0"}}"#;
        assert!(matches!(decode("r", not_b64), Err(Error::Corrupt { .. })));
    }
}
