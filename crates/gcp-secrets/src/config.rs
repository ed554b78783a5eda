use std::time::Duration;

use alphaguard_config::{ConfigErrors, Vars, is_https_or_loopback_http};

use crate::{DEFAULT_IAM_ENDPOINT, Method, SecretValue};

/// The default secret holding the service-account key.
pub const DEFAULT_SECRET_NAME: &str = "alphapy-google-credentials";

/// Secret Manager's REST endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://secretmanager.googleapis.com";

/// Where the Google credentials come from, and how they are cached.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `GOOGLE_PROJECT_ID` | read the key from Secret Manager in this project | unset |
/// | `GOOGLE_SECRET_NAME` | the secret | `alphapy-google-credentials` |
/// | `GOOGLE_SECRET_VERSION` | a version number or `latest` | `latest` |
/// | `GOOGLE_CREDENTIALS_JSON` | the key itself (local development) | unset |
/// | `GOOGLE_APPLICATION_CREDENTIALS` | key file for Secret Manager access; else the metadata server | unset |
/// | `GCE_METADATA_HOST` | metadata server host | `metadata.google.internal` |
/// | `SECRET_MANAGER_ENDPOINT` | Secret Manager's base URL | `https://secretmanager.googleapis.com` |
/// | `GOOGLE_SECRET_CACHE_TTL_SECS` | how long a fetched value is used | 3600 |
/// | `GOOGLE_SECRET_STALE_IF_ERROR_SECS` | how old a value may be served while Secret Manager fails | 21600 |
/// | `GOOGLE_SECRET_RETRY_DEADLINE_SECS` | how long 429/503 are retried | 60 |
/// | `IAM_ENDPOINT` | the IAM API's base URL (the key-age check) | `https://iam.googleapis.com` |
/// | `KEY_MAX_AGE_DAYS` | the oldest acceptable service-account key (`alphaguard doctor`) | 90 |
///
/// `SECRET_MANAGER_ENDPOINT` and `IAM_ENDPOINT` receive bearer tokens:
/// both must be `https://`, or `http://` to a loopback address
/// ([`is_https_or_loopback_http`], the rule every service URL here
/// follows).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// `GOOGLE_PROJECT_ID`.
    pub project_id: Option<String>,
    /// `GOOGLE_SECRET_NAME`.
    pub secret_name: String,
    /// `GOOGLE_SECRET_VERSION`.
    pub secret_version: String,
    /// `GOOGLE_CREDENTIALS_JSON`.
    pub credentials_json: Option<SecretValue>,
    /// `GOOGLE_APPLICATION_CREDENTIALS`.
    pub application_credentials: Option<String>,
    /// `GCE_METADATA_HOST`.
    pub metadata_host: String,
    /// `SECRET_MANAGER_ENDPOINT`, without a trailing `/`.
    pub endpoint: String,
    /// `GOOGLE_SECRET_CACHE_TTL_SECS`.
    pub cache_ttl: Duration,
    /// `GOOGLE_SECRET_STALE_IF_ERROR_SECS`.
    pub stale_if_error: Duration,
    /// `GOOGLE_SECRET_RETRY_DEADLINE_SECS`.
    pub retry_deadline: Duration,
    /// `IAM_ENDPOINT`, without a trailing `/`.
    pub iam_endpoint: String,
    /// `KEY_MAX_AGE_DAYS`, as a duration.
    pub key_max_age: Duration,
}

/// Project ids: lower-case letters, digits and hyphens (or a project
/// number); secret ids: letters, digits, `_` and `-`, 1–255.
fn valid_id(id: &str, extra: &[u8]) -> bool {
    (1..=255).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads through `lookup`, reporting every problem at once.
    pub fn from_lookup(lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        let mut vars = Vars::new(lookup);
        let project_id = vars.get("GOOGLE_PROJECT_ID");
        if project_id.as_deref().is_some_and(|p| !valid_id(p, b"-")) {
            vars.fail("GOOGLE_PROJECT_ID", "must be letters, digits and hyphens");
        }
        let secret_name = vars
            .get("GOOGLE_SECRET_NAME")
            .unwrap_or_else(|| DEFAULT_SECRET_NAME.to_owned());
        if !valid_id(&secret_name, b"-_") {
            vars.fail(
                "GOOGLE_SECRET_NAME",
                "must be letters, digits, `_` and `-` (at most 255)",
            );
        }
        let secret_version = vars
            .get("GOOGLE_SECRET_VERSION")
            .unwrap_or_else(|| "latest".to_owned());
        if secret_version != "latest" && secret_version.parse::<u64>().map_or(true, |n| n == 0) {
            vars.fail(
                "GOOGLE_SECRET_VERSION",
                "must be `latest` or a version number",
            );
        }
        let credentials_json = vars.get("GOOGLE_CREDENTIALS_JSON").map(|json| {
            if serde_json::from_str::<serde_json::Value>(&json).map_or(true, |v| !v.is_object()) {
                vars.fail("GOOGLE_CREDENTIALS_JSON", "is not a JSON object");
            }
            SecretValue::new(json.into_bytes())
        });
        let application_credentials = vars.get("GOOGLE_APPLICATION_CREDENTIALS");
        let metadata_host = vars
            .get("GCE_METADATA_HOST")
            .unwrap_or_else(|| "metadata.google.internal".to_owned());
        if metadata_host.contains(['/', ' ', '?', '#']) {
            vars.fail("GCE_METADATA_HOST", "must be a host or host:port");
        }
        let mut endpoint_var = |var: &'static str, default: &str| {
            let url = vars
                .get(var)
                .map(|e| e.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| default.to_owned());
            if !is_https_or_loopback_http(&url) {
                vars.fail(var, "must be https:// (http:// only to loopback)");
            }
            url
        };
        let endpoint = endpoint_var("SECRET_MANAGER_ENDPOINT", DEFAULT_ENDPOINT);
        let iam_endpoint = endpoint_var("IAM_ENDPOINT", DEFAULT_IAM_ENDPOINT);
        let cache_ttl =
            Duration::from_secs(vars.number("GOOGLE_SECRET_CACHE_TTL_SECS", 3600, 0..=86_400));
        let stale_if_error = Duration::from_secs(vars.number(
            "GOOGLE_SECRET_STALE_IF_ERROR_SECS",
            21_600,
            0..=7 * 86_400,
        ));
        let retry_deadline =
            Duration::from_secs(vars.number("GOOGLE_SECRET_RETRY_DEADLINE_SECS", 60, 0..=600));
        let key_max_age =
            Duration::from_secs(vars.number("KEY_MAX_AGE_DAYS", 90, 1..=3650) * 86_400);
        vars.finish(Self {
            project_id,
            secret_name,
            secret_version,
            credentials_json,
            application_credentials,
            metadata_host,
            endpoint,
            cache_ttl,
            stale_if_error,
            retry_deadline,
            iam_endpoint,
            key_max_age,
        })
    }

    /// Whether any credentials source is configured.
    pub fn is_configured(&self) -> bool {
        self.method().is_some()
    }

    /// The source this configuration names, without building or fetching
    /// anything: Secret Manager when `GOOGLE_PROJECT_ID` is set (even if
    /// `GOOGLE_CREDENTIALS_JSON` is set too), else the environment, else
    /// none.
    pub fn method(&self) -> Option<Method> {
        match (&self.project_id, &self.credentials_json) {
            (Some(_), _) => Some(Method::SecretManager),
            (None, Some(_)) => Some(Method::Environment),
            (None, None) => None,
        }
    }

    /// `projects/{p}/secrets/{s}/versions/{v}`, with Secret Manager chosen.
    pub fn resource(&self) -> Option<String> {
        self.project_id.as_ref().map(|p| {
            format!(
                "projects/{p}/secrets/{}/versions/{}",
                self.secret_name, self.secret_version
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_and_resource() {
        let c = config(&[("GOOGLE_PROJECT_ID", "my-project")]).unwrap();
        assert_eq!(
            c.resource().unwrap(),
            "projects/my-project/secrets/alphapy-google-credentials/versions/latest"
        );
        assert_eq!(c.cache_ttl, Duration::from_secs(3600));
        assert_eq!(c.key_max_age, Duration::from_secs(90 * 86_400));
        assert_eq!(c.iam_endpoint, DEFAULT_IAM_ENDPOINT);
        assert!(c.is_configured());
        assert_eq!(c.method(), Some(Method::SecretManager));
        assert!(!config(&[]).unwrap().is_configured());
        assert_eq!(config(&[]).unwrap().method(), None);
        let env = config(&[("GOOGLE_CREDENTIALS_JSON", "{}")]).unwrap();
        assert_eq!(env.method(), Some(Method::Environment));
    }

    #[test]
    fn path_injection_and_bad_values_are_refused() {
        let err = config(&[
            ("GOOGLE_PROJECT_ID", "p/../../x"),
            ("GOOGLE_SECRET_NAME", "a:b"),
            ("GOOGLE_SECRET_VERSION", "0"),
            ("GOOGLE_CREDENTIALS_JSON", "[\"sekrit-value\"]"),
            ("SECRET_MANAGER_ENDPOINT", "http://127.0.0.1.evil.example"),
            ("IAM_ENDPOINT", "http://iam.googleapis.com"),
            ("KEY_MAX_AGE_DAYS", "0"),
        ])
        .unwrap_err();
        for var in [
            "GOOGLE_PROJECT_ID",
            "GOOGLE_SECRET_NAME",
            "GOOGLE_SECRET_VERSION",
            "GOOGLE_CREDENTIALS_JSON",
            "SECRET_MANAGER_ENDPOINT",
            "IAM_ENDPOINT",
            "KEY_MAX_AGE_DAYS",
        ] {
            assert!(err.mentions(var), "{var}: {err}");
        }
        assert!(!err.to_string().contains("sekrit-value"));
    }
}
