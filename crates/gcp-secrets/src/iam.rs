//! The IAM API's record of a service-account key: when it became valid,
//! so its age can be held against a rotation policy.

use std::time::{Duration, SystemTime};

use serde::Deserialize;

use crate::manager::http_client;
use crate::{Error, TokenSource};

/// The IAM API's REST endpoint.
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.googleapis.com";

/// One service-account key as `projects.serviceAccounts.keys.get`
/// describes it (no key material: the public key is not asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceAccountKeyInfo {
    /// `projects/{p}/serviceAccounts/{email}/keys/{id}`.
    pub name: String,
    /// `validAfterTime` as IAM sent it (RFC 3339): when the key was made.
    pub valid_after_time: String,
    /// `validAfterTime`, parsed.
    pub valid_after: SystemTime,
    /// `validBeforeTime`, parsed, if IAM sent one.
    pub valid_before: Option<SystemTime>,
    /// `keyType`: `USER_MANAGED` (a downloaded key) or `SYSTEM_MANAGED`.
    pub key_type: Option<String>,
    /// `disabled`: the key was disabled (IAM omits the field otherwise).
    pub disabled: bool,
}

impl ServiceAccountKeyInfo {
    /// How old the key is at `now` (zero if `validAfterTime` is ahead of
    /// the clock).
    pub fn age(&self, now: SystemTime) -> Duration {
        now.duration_since(self.valid_after).unwrap_or_default()
    }

    /// The age in whole days at `now`.
    pub fn age_days(&self, now: SystemTime) -> u64 {
        self.age(now).as_secs() / 86_400
    }

    /// Whether the key is older than `max_age` at `now` (the seed's
    /// policy: 90 days, `KEY_MAX_AGE_DAYS`).
    pub fn is_older_than(&self, max_age: Duration, now: SystemTime) -> bool {
        self.age(now) > max_age
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyAnswer {
    name: String,
    valid_after_time: String,
    #[serde(default)]
    valid_before_time: Option<String>,
    #[serde(default)]
    key_type: Option<String>,
    #[serde(default)]
    disabled: bool,
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

/// An RFC 3339 time (`2026-01-02T03:04:05Z`, fractions and offsets
/// allowed) as a `SystemTime`.
fn parse_time(text: &str) -> Option<SystemTime> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(SystemTime::from)
}

/// Service-account emails (`name@project.iam.gserviceaccount.com`) and
/// key ids go into the request path: only their own characters pass.
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let ok = |part: &str, extra: &[u8]| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
    };
    email.len() <= 254 && ok(local, b"._-+") && ok(domain, b".-")
}

fn valid_key_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A client for the IAM API's `projects.serviceAccounts.keys.get`.
#[derive(Debug)]
pub struct IamClient {
    http: reqwest::Client,
    endpoint: String,
    tokens: TokenSource,
}

impl IamClient {
    /// A client for `endpoint` (`https://iam.googleapis.com`) whose
    /// requests carry `tokens`' bearer tokens (`cloud-platform` scope).
    /// The identity needs `iam.serviceAccountKeys.get` on the account
    /// (`roles/iam.serviceAccountViewer` grants it).
    pub fn new(endpoint: &str, tokens: TokenSource) -> Result<Self, Error> {
        Ok(Self {
            http: http_client()?,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            tokens,
        })
    }

    /// `GET {endpoint}/v1/projects/-/serviceAccounts/{email}/keys/{key_id}`
    /// (`-`: IAM finds the project from the account). One request, no
    /// retries: a diagnosis, not a dependency.
    pub async fn key(&self, email: &str, key_id: &str) -> Result<ServiceAccountKeyInfo, Error> {
        if !valid_email(email) {
            return Err(Error::InvalidCredentials(
                "client_email is not a service-account email".to_owned(),
            ));
        }
        if !valid_key_id(key_id) {
            return Err(Error::InvalidCredentials(
                "private_key_id is not a key id".to_owned(),
            ));
        }
        let name = format!("projects/-/serviceAccounts/{email}/keys/{key_id}");
        let token = self.tokens.token().await?;
        let response = self
            .http
            .get(format!("{}/v1/{name}", self.endpoint))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| {
                Error::Iam(if e.is_timeout() {
                    format!("{name}: timeout")
                } else {
                    format!("{name}: unreachable")
                })
            })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|_| Error::Iam(format!("{name}: body not read")))?;
        if !status.is_success() {
            let code = serde_json::from_slice::<GoogleError>(&body)
                .map(|e| e.error.status)
                .unwrap_or_default();
            return Err(Error::Iam(match (status.as_u16(), code.as_str()) {
                (404, _) | (_, "NOT_FOUND") => format!("{name}: no such key"),
                (403, _) | (_, "PERMISSION_DENIED") => format!(
                    "{name}: permission denied (grant roles/iam.serviceAccountViewer on the account)"
                ),
                (401, _) => format!("{name}: token refused"),
                (other, _) => format!("{name}: HTTP {other} {code}"),
            }));
        }
        let answer: KeyAnswer = serde_json::from_slice(&body)
            .map_err(|_| Error::Iam(format!("{name}: unexpected answer")))?;
        let valid_after = parse_time(&answer.valid_after_time)
            .ok_or_else(|| Error::Iam(format!("{name}: validAfterTime is not RFC 3339")))?;
        Ok(ServiceAccountKeyInfo {
            name: answer.name,
            valid_after_time: answer.valid_after_time,
            valid_after,
            valid_before: answer.valid_before_time.as_deref().and_then(parse_time),
            key_type: answer.key_type,
            disabled: answer.disabled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_path_parts() {
        let t = parse_time("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_767_323_045
        );
        assert_eq!(
            parse_time("2026-01-02T03:04:05.250+01:00").map(|t| t < SystemTime::now()),
            Some(true)
        );
        assert!(parse_time("2026-01-02").is_none());
        assert!(parse_time("yesterday").is_none());
        assert!(valid_email("sa@p.iam.gserviceaccount.com"));
        assert!(!valid_email("sa@p/../../x"));
        assert!(!valid_email("sa@p?x=1"));
        assert!(!valid_email("nobody"));
        assert!(valid_key_id("0123456789abcdef0123456789abcdef01234567"));
        assert!(!valid_key_id("../keys"));
        assert!(!valid_key_id(""));
    }

    #[test]
    fn ages() {
        let made = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let info = ServiceAccountKeyInfo {
            name: "n".to_owned(),
            valid_after_time: String::new(),
            valid_after: made,
            valid_before: None,
            key_type: None,
            disabled: false,
        };
        let day = Duration::from_secs(86_400);
        assert_eq!(info.age_days(made + day * 91), 91);
        assert!(info.is_older_than(day * 90, made + day * 91));
        assert!(!info.is_older_than(day * 90, made + day * 90));
        assert_eq!(info.age(made - day), Duration::ZERO);
    }
}
