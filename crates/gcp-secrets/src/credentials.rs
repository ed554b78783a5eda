//! The Google service-account credentials, from wherever they are.

use std::sync::Arc;
use std::time::Duration;

use yup_oauth2::ServiceAccountKey;

use crate::manager::{KeyIdentity, SecretCheck, key_identity, parse_key};
use crate::{
    Backoff, Config, Error, IamClient, SecretCache, SecretManager, SecretValue,
    ServiceAccountKeyInfo, TokenSource,
};

/// Where the credentials came from. `Display` gives the line a person
/// reads (`Secret Manager`, `GOOGLE_CREDENTIALS_JSON`); [`as_str`](Self::as_str)
/// the value a machine reads (`secret_manager`, `environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Secret Manager (`GOOGLE_PROJECT_ID`).
    SecretManager,
    /// `GOOGLE_CREDENTIALS_JSON` (local development).
    Environment,
}

impl Method {
    /// `secret_manager` or `environment`: a stable name for JSON output
    /// and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SecretManager => "secret_manager",
            Self::Environment => "environment",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::SecretManager => "Secret Manager",
            Self::Environment => "GOOGLE_CREDENTIALS_JSON",
        })
    }
}

#[derive(Debug)]
enum Source {
    SecretManager(Box<SecretCache>),
    Environment(Arc<SecretValue>),
}

/// The service-account key the Google clients use, found in order:
///
/// 1. with `GOOGLE_PROJECT_ID` set, Secret Manager secret
///    `GOOGLE_SECRET_NAME` (default `alphapy-google-credentials`),
///    version `GOOGLE_SECRET_VERSION` (default `latest`), read with
///    Application Default Credentials and cached ([`SecretCache`]);
/// 2. otherwise `GOOGLE_CREDENTIALS_JSON`;
/// 3. otherwise [`Error::NotConfigured`].
///
/// An info log says which was used, never the value.
#[derive(Debug)]
pub struct GoogleCredentials {
    source: Source,
    iam_endpoint: String,
}

impl GoogleCredentials {
    /// Sets up the source the configuration names. For Secret Manager this
    /// builds the token source (the key file in
    /// `GOOGLE_APPLICATION_CREDENTIALS`, else the metadata server) but
    /// fetches nothing yet.
    pub async fn from_config(config: &Config) -> Result<Self, Error> {
        Self::with_backoff(
            config,
            Backoff {
                deadline: config.retry_deadline,
                ..Backoff::default()
            },
        )
        .await
    }

    /// As [`from_config`](Self::from_config), with another retry schedule.
    pub async fn with_backoff(config: &Config, backoff: Backoff) -> Result<Self, Error> {
        let timeout = Duration::from_secs(10);
        let source = match (&config.project_id, &config.credentials_json) {
            (Some(_), _) => {
                let tokens = match &config.application_credentials {
                    Some(path) => TokenSource::key_file(path, timeout).await?,
                    None => TokenSource::metadata_server(&config.metadata_host, timeout).await?,
                };
                let manager = SecretManager::new(&config.endpoint, tokens, backoff)?;
                let resource = config.resource().ok_or(Error::NotConfigured)?;
                tracing::info!(
                    method = "secret manager",
                    resource = %resource,
                    token = manager.token_method(),
                    "Google credentials will be read from Secret Manager"
                );
                Source::SecretManager(Box::new(SecretCache::new(
                    manager,
                    resource,
                    config.cache_ttl,
                    config.stale_if_error,
                )))
            }
            (None, Some(json)) => {
                tracing::info!(
                    method = "environment",
                    "Google credentials read from GOOGLE_CREDENTIALS_JSON"
                );
                Source::Environment(Arc::new(json.clone()))
            }
            (None, None) => return Err(Error::NotConfigured),
        };
        Ok(Self {
            source,
            iam_endpoint: config.iam_endpoint.clone(),
        })
    }

    /// Which source is in use.
    pub fn method(&self) -> Method {
        match self.source {
            Source::SecretManager(_) => Method::SecretManager,
            Source::Environment(_) => Method::Environment,
        }
    }

    /// The key's JSON.
    pub async fn service_account_json(&self) -> Result<Arc<SecretValue>, Error> {
        match &self.source {
            Source::SecretManager(cache) => cache.get().await,
            Source::Environment(json) => Ok(Arc::clone(json)),
        }
    }

    /// The key's JSON if it is at hand without a fetch (cached within the
    /// TTL, or from the environment).
    pub fn cached_service_account_json(&self) -> Option<Arc<SecretValue>> {
        match &self.source {
            Source::SecretManager(cache) => cache.try_get(),
            Source::Environment(json) => Some(Arc::clone(json)),
        }
    }

    /// The key, parsed.
    pub async fn service_account_key(&self) -> Result<ServiceAccountKey, Error> {
        parse_key(&*self.service_account_json().await?)
    }

    /// The Secret Manager resource read (`projects/…/secrets/…/versions/…`),
    /// `None` for the environment.
    pub fn resource(&self) -> Option<&str> {
        match &self.source {
            Source::SecretManager(cache) => Some(cache.resource()),
            Source::Environment(_) => None,
        }
    }

    /// Reads the credentials afresh, bypassing and leaving the cache, and
    /// reports whether they decode, whether the CRC32C Secret Manager sent
    /// matches, and whether they are a service-account key (for
    /// `alphaguard doctor`). From the environment only the last applies.
    /// Errors are the HTTP failures of [`SecretManager::access`]: not
    /// found, denied, unavailable, no token.
    pub async fn check_secret(&self) -> Result<SecretCheck, Error> {
        match &self.source {
            Source::SecretManager(cache) => cache.manager().check(cache.resource()).await,
            Source::Environment(json) => Ok(SecretCheck::of_plain(json)),
        }
    }

    /// The key's public identity (`client_email`, `project_id`,
    /// `private_key_id`).
    pub async fn key_identity(&self) -> Result<KeyIdentity, Error> {
        key_identity(&*self.service_account_json().await?).map_err(Error::InvalidCredentials)
    }

    /// The IAM API's record of the key in use (`validAfterTime`, so its
    /// age): `GET {IAM_ENDPOINT}/v1/projects/-/serviceAccounts/{client_email}/keys/{private_key_id}`.
    ///
    /// The request is made as the identity that reads Secret Manager (the
    /// runtime service account) when the key comes from there, and as the
    /// key itself when it comes from `GOOGLE_CREDENTIALS_JSON`; either
    /// needs `iam.serviceAccountKeys.get` on the account
    /// (`roles/iam.serviceAccountViewer`).
    pub async fn key_info(&self) -> Result<ServiceAccountKeyInfo, Error> {
        let key = self.service_account_key().await?;
        let key_id = key
            .private_key_id
            .clone()
            .ok_or_else(|| Error::InvalidCredentials("no private_key_id".to_owned()))?;
        let email = key.client_email.clone();
        let tokens = match &self.source {
            Source::SecretManager(cache) => cache.manager().tokens().clone(),
            Source::Environment(_) => {
                TokenSource::service_account(key, Duration::from_secs(10)).await?
            }
        };
        IamClient::new(&self.iam_endpoint, tokens)?
            .key(&email, &key_id)
            .await
    }

    /// Drops cached credentials (incident response); logs an audit line.
    /// Returns how many values were dropped.
    pub fn clear_cache(&self) -> usize {
        match &self.source {
            Source::SecretManager(cache) => cache.clear(),
            Source::Environment(_) => {
                tracing::warn!(
                    "AUDIT: secret cache clear asked for; credentials come from the environment, nothing cached"
                );
                0
            }
        }
    }
}
