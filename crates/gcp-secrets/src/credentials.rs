//! The Google service-account credentials, from wherever they are.

use std::sync::Arc;
use std::time::Duration;

use yup_oauth2::ServiceAccountKey;

use crate::{Backoff, Config, Error, SecretCache, SecretManager, SecretValue, TokenSource};

/// Where the credentials came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Secret Manager (`GOOGLE_PROJECT_ID`).
    SecretManager,
    /// `GOOGLE_CREDENTIALS_JSON` (local development).
    Environment,
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
        Ok(Self { source })
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
        let json = self.service_account_json().await?;
        let key: ServiceAccountKey = serde_json::from_slice(json.expose()).map_err(|e| {
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
